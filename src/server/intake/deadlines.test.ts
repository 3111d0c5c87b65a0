import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMonths, deadlinesOf, overdue } from './deadlines.ts';

test('acknowledge within 7 days; feedback 3 months after the acknowledgement', () => {
  assert.deepEqual(deadlinesOf('2026-03-02', '2026-03-04'), {
    acknowledgeBy: '2026-03-09',
    feedbackBy: '2026-06-04',
  });
});

test('without an acknowledgement, feedback is due 3 months after the 7 days ran out', () => {
  assert.deepEqual(deadlinesOf('2026-03-02', null), { acknowledgeBy: '2026-03-09', feedbackBy: '2026-06-09' });
});

test('months end on the month’s last day when it has no such day; years turn over', () => {
  assert.equal(addMonths('2026-11-30', 3), '2027-02-28');
  assert.equal(addMonths('2027-11-30', 3), '2028-02-29');
  assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
  assert.equal(addMonths('2026-10-15', 3), '2027-01-15');
  assert.deepEqual(deadlinesOf('2026-12-28', null), { acknowledgeBy: '2027-01-04', feedbackBy: '2027-04-04' });
});

test('a company may promise less; nonsense is refused', () => {
  assert.deepEqual(deadlinesOf('2026-03-02', null, { acknowledgeDays: 3, feedbackMonths: 1 }), {
    acknowledgeBy: '2026-03-05',
    feedbackBy: '2026-04-05',
  });
  assert.throws(() => deadlinesOf('2026-02-30', null), RangeError);
  assert.throws(() => deadlinesOf('2.3.2026', null), RangeError);
  assert.throws(() => deadlinesOf('2026-03-02', '2026-03-01'), RangeError);
  assert.throws(() => deadlinesOf('2026-03-02', null, { acknowledgeDays: 0, feedbackMonths: 3 }), RangeError);
  assert.throws(() => deadlinesOf('2026-03-02', null, { acknowledgeDays: 7, feedbackMonths: 1.5 }), RangeError);
});

test('the deadline’s own day is still in time', () => {
  assert.equal(overdue('2026-03-09', '2026-03-09'), false);
  assert.equal(overdue('2026-03-09', '2026-03-10'), true);
});
