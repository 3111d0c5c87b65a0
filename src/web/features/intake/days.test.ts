import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ageOn, birthDateWarning, daysBetween, deadlineState } from './days.ts';

test('whole days between two days, across a change of month and of daylight saving time', () => {
  assert.equal(daysBetween('2026-03-28', '2026-04-02'), 5);
  assert.equal(daysBetween('2026-04-02', '2026-03-28'), -5);
  assert.equal(daysBetween('2026-10-24', '2026-10-26'), 2);
});

test('age in full years: the birthday itself counts', () => {
  assert.equal(ageOn('2000-06-15', '2026-06-14'), 25);
  assert.equal(ageOn('2000-06-15', '2026-06-15'), 26);
});

test('a birth date is flagged under 14 and over 100, never otherwise, and never refused', () => {
  assert.equal(birthDateWarning('2015-01-01', '2026-06-01'), 'young');
  assert.equal(birthDateWarning('2012-05-31', '2026-06-01'), undefined);
  assert.equal(birthDateWarning('1925-05-31', '2026-06-01'), 'old');
  assert.equal(birthDateWarning('1926-06-01', '2026-06-01'), undefined);
  // Nothing to say of a date that is not one, or in the future: the form's check names those.
  assert.equal(birthDateWarning('2026-02-30', '2026-06-01'), undefined);
  assert.equal(birthDateWarning('2027-01-01', '2026-06-01'), undefined);
});

test('a deadline is met, due (0 = today) or overdue', () => {
  assert.deepEqual(deadlineState('2026-06-08', '2026-06-03', '2026-06-20'), { kind: 'done', on: '2026-06-03' });
  assert.deepEqual(deadlineState('2026-06-08', null, '2026-06-08'), { kind: 'due', days: 0 });
  assert.deepEqual(deadlineState('2026-06-08', null, '2026-06-05'), { kind: 'due', days: 3 });
  assert.deepEqual(deadlineState('2026-06-08', null, '2026-06-10'), { kind: 'overdue', days: 2 });
});
