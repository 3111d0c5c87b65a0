import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AssessmentList, ListedAssessment } from '../../../contract/assessments.ts';
import { expanded } from './listing.ts';

const listed = (id: string, version: string, rater: string | null): ListedAssessment => ({
  id,
  model: { key: 'screen', version },
  kind: 'single',
  status: 'final',
  rater,
  version: 2,
  startedAt: '2026-01-01T08:00:00.000Z',
  finalisedAt: '2026-01-01T09:00:00.000Z',
  judgments: { priority: 'high' },
  priority: 3,
  result: null,
  reviewDue: null,
  from: null,
  basis: [],
});

const RATER = '00000000-0000-4000-8000-000000000001';

test('each assessment gets its model version and rater written out, from the list’s single mention of them', () => {
  const list: AssessmentList = {
    assessments: [listed('a', '1.0.0', RATER), listed('b', '2.0.0', null)],
    models: [
      { key: 'screen', version: '1.0.0', title: { en: 'Screen', de: 'Screening' }, kind: 'spj' },
      { key: 'screen', version: '2.0.0', title: { en: 'Screen 2', de: 'Screening 2' }, kind: 'external' },
    ],
    raters: [{ id: RATER, displayName: 'Rita Rater' }],
    review: null,
    incidents: [],
  };
  const { assessments } = expanded(list);
  assert.deepEqual(
    assessments.map((a) => [a.id, a.model, a.modelKind, a.rater]),
    [
      ['a', { key: 'screen', version: '1.0.0', title: { en: 'Screen', de: 'Screening' } }, 'spj', list.raters[0]],
      ['b', { key: 'screen', version: '2.0.0', title: { en: 'Screen 2', de: 'Screening 2' } }, 'external', null],
    ],
  );
  assert.deepEqual(assessments[0]?.judgments, { priority: 'high' }, 'the rest as listed');
  assert.throws(() => expanded({ ...list, models: [] }), /names no model screen@1\.0\.0/);
});
