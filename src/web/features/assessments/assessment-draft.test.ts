import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssessmentContent } from '../../../contract/assessments.ts';
import type { Domain } from '../../../contract/models/definition.ts';
import { domainShown } from '../../../contract/models/validate.ts';
import {
  bodyOf,
  changesOf,
  draftOf,
  isDirty,
  numberOf,
  outOfForm,
  withDissent,
  withJudgment,
  withOverride,
  withRating,
} from './assessment-draft.ts';
import { ids, parseField, targetsOf } from './fields.ts';

const rater = '00000000-0000-4000-8000-000000000001';
const saved = AssessmentContent.parse({
  ratings: { pathway: { presence: 'absent' }, mental_disorder: { presence: 'present' } },
  judgments: { priority: { value: 'high', rationale: 'why', dissents: [{ rater, value: 'acute', reason: '' }] } },
});

test('changing one part keeps the others, and never the cached content', () => {
  const draft = draftOf(saved);
  const rated = withRating(draft, 'pathway', { presence: 'present', observed: '2026-03-01' });
  assert.deepEqual(rated.ratings.pathway, { presence: 'present', observed: '2026-03-01' });
  assert.equal(saved.ratings.pathway?.presence, 'absent');
  const judged = withJudgment(rated, 'imminence', { value: 'days' });
  assert.deepEqual(judged.judgments.imminence, { value: 'days', rationale: '', dissents: [] });
  const dissent = withDissent(judged, 'priority', 0, { reason: 'too low' });
  assert.deepEqual(dissent.judgments.priority?.dissents, [{ rater, value: 'acute', reason: 'too low' }]);
  assert.equal(dissent.judgments.priority?.rationale, 'why');
});

test('an override stays while the rater disagrees, empty reason included, and goes when taken back', () => {
  const on = withOverride(draftOf(saved), 'flag_a', '');
  assert.deepEqual(on.overrides, { flag_a: '' });
  assert.deepEqual(withOverride(on, 'flag_a', 'because').overrides, { flag_a: 'because' });
  assert.deepEqual(withOverride(on, 'flag_a', undefined).overrides, {});
});

test('a save sends everything but the withheld items, with the version it was read at', () => {
  const body = bodyOf(draftOf(saved), 7, ['mental_disorder']);
  assert.equal(body.expectedVersion, 7);
  assert.deepEqual(Object.keys(body.ratings ?? {}), ['pathway']);
  assert.equal(isDirty(draftOf(saved), saved, []), false);
  assert.equal(isDirty(withRating(draftOf(saved), 'pathway', { note: 'x' }), saved, []), true);
  // The same content in another order, or with empty parts the server leaves out, is saved already.
  const reordered = AssessmentContent.parse({
    judgments: { priority: { dissents: [{ reason: '', value: 'acute', rater }], rationale: 'why', value: 'high' } },
    ratings: { mental_disorder: { presence: 'present' }, pathway: { presence: 'absent', note: '', observed: null } },
  });
  assert.equal(isDirty(reordered, saved, []), false);
  const emptied = withJudgment(withRating(draftOf(saved), 'leakage', { presence: null }), 'severity', {});
  assert.equal(isDirty(emptied, saved, []), false);
  // A withheld item is never sent, so it never makes the form unsaved.
  assert.equal(
    isDirty(withRating(draftOf(saved), 'mental_disorder', { note: 'x' }), saved, ['mental_disorder']),
    false,
  );
});

test('optional items not in use are neither sent nor make the form unsaved, beside the withheld ones', () => {
  const hidden = outOfForm({ withheld: [], unused: ['mental_disorder'] });
  const body = bodyOf(withRating(draftOf(saved), 'mental_disorder', { presence: 'absent' }), 3, hidden);
  assert.deepEqual(Object.keys(body.ratings ?? {}), ['pathway']);
  assert.equal(body.expectedVersion, 3);
  // Whatever the draft holds for an unused item, rated or noted, it is not a change to save.
  assert.equal(isDirty(withRating(draftOf(saved), 'mental_disorder', { note: 'x' }), saved, hidden), false);
  assert.equal(
    isDirty(withRating(draftOf(saved), 'ideological_framing', { presence: 'present' }), saved, hidden),
    true,
  );
  // Both kinds together: withheld and unused items are all kept out.
  const both = outOfForm({ withheld: ['relationship_failure'], unused: ['mental_disorder'] });
  assert.deepEqual(both, ['relationship_failure', 'mental_disorder']);
  const rated = withRating(withRating(draftOf(saved), 'relationship_failure', { presence: 'present' }), 'pathway', {
    note: 'y',
  });
  assert.deepEqual(Object.keys(bodyOf(rated, 1, both).ratings ?? {}), ['pathway']);
  assert.equal(isDirty(withRating(draftOf(saved), 'relationship_failure', { note: 'z' }), saved, both), false);
});

test('a domain of only unused items is not shown, nested or not; one with an item in use is', () => {
  const label = { en: 'x', de: 'x' };
  const item = (key: string) => ({ key, kind: 'risk' as const, label, optional: true });
  const background: Domain = { key: 'background', label, items: [item('mental_disorder'), item('grievance')] };
  const onlyOptional: Domain = {
    key: 'optional',
    label,
    items: [item('mental_disorder'), item('ideological_framing')],
  };
  const unused = new Set(['mental_disorder', 'ideological_framing']);
  assert.equal(domainShown(background, unused), true);
  assert.equal(domainShown(onlyOptional, unused), false);
  assert.equal(domainShown(onlyOptional, new Set()), true);
  assert.equal(domainShown({ key: 'outer', label, domains: [onlyOptional] }, unused), false);
  assert.equal(domainShown({ key: 'outer', label, items: [item('pathway')], domains: [onlyOptional] }, unused), true);
  assert.equal(domainShown({ key: 'outer', label, domains: [onlyOptional, background] }, unused), true);
});

test('ratings differing from the previous assessment are found part by part; notes do not count', () => {
  const previous = { pathway: { presence: 'absent' }, fixation: { presence: 'present', value: ['a', 'b'] } };
  assert.deepEqual(changesOf({ presence: 'present' }, previous, 'pathway'), ['presence']);
  assert.deepEqual(changesOf({ presence: 'absent', note: 'new note' }, previous, 'pathway'), []);
  assert.deepEqual(changesOf({ presence: 'present', value: ['b', 'a'] }, previous, 'fixation'), []);
  assert.deepEqual(changesOf(undefined, previous, 'fixation'), ['presence', 'value']);
  // An item the previous one did not rate, rated now: changed; not rated now either: the same.
  assert.deepEqual(changesOf({ relevance: 'high' }, previous, 'leakage'), ['relevance']);
  assert.deepEqual(changesOf({ presence: null }, previous, 'leakage'), []);
  assert.deepEqual(changesOf({ presence: 'present' }, null, 'pathway'), []);
});

test('a number field: empty or not a number is not assessed', () => {
  assert.equal(numberOf(''), null);
  assert.equal(numberOf(' 3.5 '), 3.5);
  assert.equal(numberOf('abc'), null);
});

test("the server's fields are placed at the form's controls", () => {
  const cases: [string, string[]][] = [
    ['judgments.priority', [ids.judgment('priority')]],
    ['judgments.priority.rationale', [ids.rationale('priority'), ids.judgment('priority')]],
    ['judgments.priority.dissents.0', [ids.dissent('priority', 0, 'reason'), ids.judgment('priority')]],
    ['judgments.priority.dissents.2.rater', [ids.dissent('priority', 2, 'rater'), ids.judgment('priority')]],
    ['ratings.pathway.presence', [ids.facet('pathway', 'presence'), ids.item('pathway')]],
    ['ratings.pathway', [ids.facet('pathway', 'presence'), ids.item('pathway')]],
    ['ratings.pathway.evidence.entries.0', [ids.facet('pathway', 'evidence'), ids.item('pathway')]],
    ['pathway.evidence', [ids.facet('pathway', 'evidence'), ids.item('pathway')]],
    ['pathway.observed', [ids.facet('pathway', 'observed'), ids.item('pathway')]],
    ['violence_history.past_presence', [ids.facet('violence_history', 'pastPresence'), ids.item('violence_history')]],
    ['formulation', [ids.formulation]],
    ['scenarios', [ids.scenarios]],
    ['scenarios.1.victim', [ids.scenario(1, 'victim'), ids.scenarios]],
    [
      'overrides.consider_active_management',
      [ids.override('consider_active_management'), ids.overrideOn('consider_active_management')],
    ],
    ['withheld', []],
    ['expectedVersion', []],
    ['judgments', []],
  ];
  for (const [field, targets] of cases) assert.deepEqual(targetsOf(parseField(field)), targets, field);
  assert.deepEqual(parseField('somewhere.else.deep'), { area: 'other', field: 'somewhere.else.deep' });
  assert.deepEqual(parseField('withheld'), { area: 'withheld' });
});
