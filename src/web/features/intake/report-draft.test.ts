import assert from 'node:assert/strict';
import { test } from 'node:test';
import { receiptGroups } from './receipt.ts';
import {
  checkDraft,
  checkRecord,
  emptyDraft,
  emptyRecord,
  fieldId,
  fieldsOf,
  isPlaced,
  newPerson,
  type ReportDraft,
  serverProblems,
} from './report-draft.ts';

const TODAY = '2026-06-10';
const filled = (change: Partial<ReportDraft> = {}): ReportDraft => ({
  ...emptyDraft(),
  urgency: 'normal',
  whatHappened: 'Threatening notes on a desk.',
  ...change,
});

test('an empty form names urgency and what happened, nothing else', () => {
  assert.deepEqual(Object.keys(checkDraft(emptyDraft(), TODAY)).sort(), ['urgency', 'whatHappened']);
  assert.deepEqual(checkDraft(filled(), TODAY), {});
});

test('days: not in the future, real days only, and not after the day a recorded report came in', () => {
  assert.deepEqual(checkDraft(filled({ incidentDate: '2026-06-11' }), TODAY), {
    incidentDate: { key: 'intake.validation.future' },
  });
  assert.deepEqual(checkDraft(filled({ incidentDate: '2026-02-30' }), TODAY), {
    incidentDate: { key: 'intake.validation.day' },
  });
  assert.deepEqual(checkDraft(filled({ incidentDate: '2026-06-05' }), TODAY, '2026-06-04'), {
    incidentDate: { key: 'intake.validation.afterReceived' },
  });
  assert.deepEqual(checkDraft(filled({ incidentDate: TODAY }), TODAY), {});
});

test('persons: a role is needed; their problems carry the server’s paths', () => {
  const person = { ...newPerson(), dateOfBirth: '2030-01-01' };
  assert.deepEqual(checkDraft(filled({ persons: [person] }), TODAY), {
    'persons.0.role': { key: 'intake.validation.personRole' },
    'persons.0.dateOfBirth': { key: 'intake.validation.future' },
  });
});

test('what the contract refuses beyond these checks (a control character) is named at its field', () => {
  const person = { ...newPerson(), role: 'witness' as const, name: 'Anna\u202eBerg' };
  assert.deepEqual(checkDraft(filled({ persons: [person] }), TODAY), {
    'persons.0.name': { key: 'intake.validation.invalid' },
  });
});

test('the body sends only yes and not sure, and no form-only key', () => {
  const draft = filled({
    behaviours: { ...emptyDraft().behaviours, leakage: 'yes', fixation: 'not_sure' },
    persons: [{ ...newPerson(), role: 'person_of_concern', contact: 'max@example.org' }],
  });
  const body = fieldsOf(draft);
  assert.deepEqual(body.behaviours, [
    { behaviour: 'fixation', answer: 'not_sure' },
    { behaviour: 'leakage', answer: 'yes' },
  ]);
  assert.equal('key' in (body.persons?.[0] ?? {}), false);
  assert.equal(body.persons?.[0]?.contact, 'max@example.org');
});

test('a recorded report needs its channel, a day up to today, and a name unless the reporter stayed anonymous', () => {
  assert.deepEqual(Object.keys(checkRecord(emptyRecord(TODAY), TODAY)).sort(), ['channel', 'reporter.name']);
  assert.deepEqual(checkRecord({ ...emptyRecord('2026-06-11'), channel: 'phone', anonymous: true }, TODAY), {
    receivedOn: { key: 'intake.validation.future' },
  });
});

test('server field errors: the route’s "body." goes, known messages are translated, others kept', () => {
  assert.deepEqual(
    serverProblems([
      { path: 'incidentDate', message: 'must not be in the future' },
      { path: 'body.persons.0.name', message: 'must not contain control characters' },
    ]),
    {
      incidentDate: { key: 'intake.validation.future' },
      'persons.0.name': { key: 'intake.validation.server', values: { message: 'must not contain control characters' } },
    },
  );
});

test('paths with a field, and the ids of their controls', () => {
  assert.equal(isPlaced('persons.1.dateOfBirth', 2), true);
  assert.equal(isPlaced('persons.2.dateOfBirth', 2), false);
  assert.equal(isPlaced('behaviours.0.answer', 2), false);
  assert.equal(fieldId('report', 'persons.0.dateOfBirth'), 'report-persons-0-dateOfBirth');
});

test('a receipt reads in groups of four, however it was written', () => {
  assert.deepEqual(receiptGroups('k7qm-3vxh r2d9'), ['K7QM', '3VXH', 'R2D9']);
});
