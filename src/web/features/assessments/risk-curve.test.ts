import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AssessmentSummary, modelId } from '../../../contract/assessments.ts';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import type { Assessments } from './listing.ts';
import {
  curveOf,
  domainOf,
  EXTERNAL_SERIES,
  levelOf,
  linePath,
  markerPath,
  runsOf,
  SHAPES,
  styleOf,
  ticksOf,
  xAt,
  yAt,
} from './risk-curve.ts';

const DAY = 86_400_000;
const label = { en: 'x', de: 'x' };
const value = (key: string, unknown = false) => ({ key, label, ...(unknown ? { unknown: true } : {}) });

/** A model with the three leading judgments; version 2 adds one. */
function model(version: string, extra = false, kind: 'spj' | 'external' = 'spj'): ModelDefinition {
  return {
    format: 'tma-model/1',
    key: kind === 'spj' ? 'screen' : 'instrument',
    version,
    title: label,
    publisher: 'p',
    citation: 'c',
    licence: 'l',
    languages: ['en', 'de'],
    kind,
    scales: [
      { key: 'priority', label, values: [value('low'), value('moderate'), value('high'), value('acute')] },
      { key: 'imminence', label, values: [value('none'), value('weeks'), value('days'), value('unknown', true)] },
      { key: 'severity', label, values: [value('low'), value('serious'), value('life'), value('unknown', true)] },
      { key: 'level', label, values: ['1', '2', '3', '4', '5'].map((l) => value(`level_${l}`)) },
    ],
    domains: [
      {
        key: 'd',
        label,
        items: kind === 'external' ? [{ key: 'level', kind: 'stage', scale: 'level', label }] : [],
      },
    ],
    formulation: { required: 'never' },
    judgments:
      kind === 'external'
        ? [{ key: 'priority', scale: 'priority', rationale: 'required', label }]
        : [
            { key: 'severity', scale: 'severity', rationale: 'required', label },
            { key: 'priority', scale: 'priority', rationale: 'required', label },
            { key: 'imminence', scale: 'imminence', rationale: 'required', label },
            ...(extra ? [{ key: 'harm', scale: 'severity', rationale: 'required' as const, label }] : []),
          ],
  };
}

let n = 0;
function summary(over: Partial<AssessmentSummary> & { day?: number }): AssessmentSummary {
  n += 1;
  const { day = 1, ...rest } = over;
  const at = new Date(Date.UTC(2026, 2, day, 10)).toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    model: { key: 'screen', version: '1.0.0', title: label },
    modelKind: 'spj',
    kind: 'single',
    status: 'final',
    rater: null,
    version: 3,
    startedAt: at,
    finalisedAt: at,
    judgments: { priority: 'high', imminence: 'days', severity: 'serious' },
    priority: 3,
    reviewDue: null,
    result: null,
    from: null,
    basis: [],
    ...rest,
  };
}

const models = new Map([
  [modelId({ key: 'screen', version: '1.0.0' }), model('1.0.0')],
  [modelId({ key: 'screen', version: '2.0.0' }), model('2.0.0', true)],
  [modelId({ key: 'instrument', version: '1.0.0' }), model('1.0.0', false, 'external')],
]);

test("a value's level is its place among the ordered values; unknown has none", () => {
  const scale = model('1.0.0').scales[1];
  assert.equal(levelOf(scale, 'none'), 0);
  assert.equal(levelOf(scale, 'weeks'), 0.5);
  assert.equal(levelOf(scale, 'days'), 1);
  assert.equal(levelOf(scale, 'unknown'), null);
  assert.equal(levelOf(scale, 'elsewhere'), null);
  assert.equal(levelOf(scale, null), null);
  assert.equal(levelOf(undefined, 'days'), null);
  assert.equal(levelOf({ values: [value('only')] }, 'only'), 1);
});

test('the curve draws finalised single and consensus assessments, in time order, the leading judgments first', () => {
  const list: Pick<Assessments, 'assessments' | 'incidents'> = {
    assessments: [
      summary({ day: 20, kind: 'consensus', judgments: { priority: 'acute', imminence: 'unknown', severity: 'life' } }),
      summary({ day: 5 }),
      summary({ day: 10, kind: 'rater', judgments: { priority: 'low', imminence: 'none', severity: 'low' } }),
      summary({ day: 12, status: 'draft', finalisedAt: null, judgments: {} }),
    ],
    incidents: [{ id: 'i1', occurredAt: new Date(Date.UTC(2026, 2, 15)).toISOString(), tags: ['leakage'] }],
  };
  const curve = curveOf(list, models);
  assert.deepEqual(
    curve.series.map((s) => s.key),
    ['priority', 'imminence', 'severity'],
  );
  const [priority, imminence] = curve.series;
  assert.deepEqual(
    priority?.points.map((p) => [p.value, p.level]),
    [
      ['high', 2 / 3],
      ['acute', 1],
    ],
  );
  // Unknown keeps its point (for the table) without a place (the line breaks there).
  assert.deepEqual(
    imminence?.points.map((p) => p.level),
    [1, null],
  );
  assert.equal(curve.incidents.length, 1);
  assert.deepEqual(curve.measures, []);
  assert.deepEqual(curve.changes, []);
  assert.equal(curve.domain?.start, Date.UTC(2026, 2, 5, 10));
  assert.equal(curve.domain?.end, Date.UTC(2026, 2, 20, 10));
});

test('external results are a series of their own; a model change between consecutive assessments is named', () => {
  const list: Pick<Assessments, 'assessments' | 'incidents'> = {
    assessments: [
      summary({ day: 1 }),
      summary({
        day: 3,
        model: { key: 'instrument', version: '1.0.0', title: label },
        modelKind: 'external',
        judgments: { priority: 'moderate' },
        result: { instrument: 'DyRiAS', level: 'level_3', on: '2026-03-01' },
      }),
      summary({
        day: 8,
        model: { key: 'screen', version: '2.0.0', title: label },
        judgments: { priority: 'low', imminence: 'none', severity: 'low', harm: 'serious' },
      }),
      summary({ day: 9, model: { key: 'other', version: '1.0.0', title: label }, judgments: { priority: 'low' } }),
    ],
    incidents: [],
  };
  const curve = curveOf(list, models);
  assert.deepEqual(
    curve.series.map((s) => [s.key, s.kind, s.points.length]),
    [
      ['priority', 'judgment', 3],
      ['imminence', 'judgment', 2],
      ['severity', 'judgment', 2],
      ['harm', 'judgment', 1],
      [EXTERNAL_SERIES, 'external', 1],
    ],
  );
  // The instrument's level on its own scale, not the priority the team gave with it.
  const external = curve.series.at(-1)?.points[0];
  assert.deepEqual([external?.value, external?.level], ['level_3', 0.5]);
  // A model not loaded has no scale: its values have no place yet.
  assert.equal(curve.series[0]?.points[2]?.level, null);
  assert.deepEqual(
    curve.changes.map((c) => [c.from.version, c.to.version, c.sameModel]),
    [
      ['1.0.0', '2.0.0', true],
      ['2.0.0', '1.0.0', false],
    ],
  );
});

test('measures are drawn on the same axis when given', () => {
  const at = new Date(Date.UTC(2026, 5, 1)).toISOString();
  const curve = curveOf({ assessments: [summary({ day: 1 })], incidents: [] }, models, [
    { id: 'm', at, t: Date.parse(at), tags: [] },
  ]);
  assert.equal(curve.measures.length, 1);
  assert.equal(curve.domain?.end, Date.parse(at));
});

test('a single moment gets a domain of two days around it; nothing gets none', () => {
  assert.equal(domainOf([]), null);
  assert.deepEqual(domainOf([10 * DAY]), { start: 9 * DAY, end: 11 * DAY });
  assert.deepEqual(domainOf([DAY, 5 * DAY, 3 * DAY]), { start: DAY, end: 5 * DAY });
});

test('positions: time left to right, the highest level at the top', () => {
  const frame = { left: 10, top: 20, width: 100, height: 50 };
  const domain = { start: 0, end: 4 * DAY };
  assert.equal(xAt(domain, 0, frame), 10);
  assert.equal(xAt(domain, 2 * DAY, frame), 60);
  assert.equal(xAt(domain, 4 * DAY, frame), 110);
  assert.equal(yAt(1, frame), 20);
  assert.equal(yAt(0, frame), 70);
});

test('a line breaks where a value has no place', () => {
  const p = (level: number | null) => ({
    id: 'a',
    at: '',
    t: 0,
    value: 'v',
    level,
    model: { key: 'k', version: '1.0.0', title: label },
    kind: 'single' as const,
  });
  assert.deepEqual(
    runsOf([p(0), p(1), p(null), p(0.5), p(null)]).map((r) => r.map((x) => x.level)),
    [[0, 1], [0.5]],
  );
  assert.equal(
    linePath([
      { x: 1, y: 2 },
      { x: 3.16, y: 4.04 },
    ]),
    'M 1 2 L 3.2 4',
  );
});

test('ticks fall on whole days inside the domain, never twice', () => {
  const ticks = ticksOf({ start: 0.3 * DAY, end: 10.6 * DAY }, 5);
  assert.ok(ticks.every((t) => t >= 0.3 * DAY && t <= 10.6 * DAY));
  assert.ok(ticks.slice(1, -1).every((t) => t % DAY === 0));
  assert.equal(new Set(ticks).size, ticks.length);
  assert.deepEqual(ticksOf({ start: 0, end: DAY }, 6), [0, DAY]);
});

test('every series has its own marker shape and dash, not colour alone', () => {
  const series = ['priority', 'imminence', 'severity', EXTERNAL_SERIES, 'harm', 'other'].map((key) => ({
    key,
    kind: 'judgment' as const,
    points: [],
  }));
  const styles = series.map((s) => styleOf(series, s.key));
  assert.equal(new Set(styles.map((s) => s.shape)).size, styles.length);
  assert.equal(new Set(styles.map((s) => s.dash ?? 'solid')).size, styles.length);
  for (const shape of SHAPES) assert.match(markerPath(shape, 10, 10, 5), /^M .* Z$/);
});
