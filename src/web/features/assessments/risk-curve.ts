import { type AssessmentKind, type AssessmentSummary, modelId } from '../../../contract/assessments.ts';
import type { ModelDefinition, Scale } from '../../../contract/models/definition.ts';
import { itemsOf } from '../../../contract/models/validate.ts';
import type { Assessments } from './listing.ts';

/**
 * The risk curve's arithmetic, without React: which finalised assessments it draws, where each
 * final judgment lies on its scale (0 the lowest value, 1 the highest; "unknown" has no place and
 * breaks the line), the time axis, and the shapes that tell the series apart without colour.
 */
export type ModelPin = AssessmentSummary['model'];

/** A value's place on its scale from 0 to 1, in the scale's order; null for unknown, unset or not on it. */
export function levelOf(scale: Pick<Scale, 'values'> | undefined, value: string | null | undefined): number | null {
  if (scale === undefined || value === null || value === undefined) return null;
  const ordered = scale.values.filter((v) => v.unknown !== true);
  const index = ordered.findIndex((v) => v.key === value);
  if (index < 0) return null;
  return ordered.length === 1 ? 1 : index / (ordered.length - 1);
}

export function judgmentScale(model: ModelDefinition, judgment: string): Scale | undefined {
  const scale = model.judgments.find((j) => j.key === judgment)?.scale;
  return model.scales.find((s) => s.key === scale);
}

/** The scale an external instrument's level is given on: its model's first stage item's (the server's result). */
export function levelScale(model: ModelDefinition): Scale | undefined {
  const item = itemsOf(model.domains).find(({ item }) => item.kind === 'stage')?.item;
  return model.scales.find((s) => s.key === item?.scale);
}

export interface CurvePoint {
  /** The assessment's id. */
  readonly id: string;
  readonly at: string;
  readonly t: number;
  readonly value: string | null;
  readonly level: number | null;
  readonly model: ModelPin;
  readonly kind: AssessmentKind;
}

/** A final judgment of the team's assessments, or the external instruments' results. */
export interface CurveSeries {
  readonly key: string;
  readonly kind: 'judgment' | 'external';
  readonly points: readonly CurvePoint[];
}

/** Something that happened or was done, marked on the time axis: an incident, a measure. */
export interface CurveMark {
  readonly id: string;
  readonly at: string;
  readonly t: number;
  readonly tags: readonly string[];
}

/** Consecutive assessments on different model versions (or models): only mapped items compare. */
export interface ModelChange {
  /** The later assessment. */
  readonly id: string;
  readonly at: string;
  readonly t: number;
  readonly from: ModelPin;
  readonly to: ModelPin;
  readonly sameModel: boolean;
}

export interface TimeDomain {
  readonly start: number;
  readonly end: number;
}

export interface RiskCurve {
  readonly series: readonly CurveSeries[];
  readonly incidents: readonly CurveMark[];
  /** Measures join with the defuse capability; the chart draws them in a lane of their own already. */
  readonly measures: readonly CurveMark[];
  readonly changes: readonly ModelChange[];
  /** From the first thing drawn to the last; null when there is nothing to draw. */
  readonly domain: TimeDomain | null;
}

/** The judgments named in the issue first, in this order; a model's others after them. */
export const LEADING_SERIES = ['priority', 'imminence', 'severity'] as const;
export const EXTERNAL_SERIES = 'external';

const DAY_MS = 86_400_000;

const rank = (key: string) => {
  const i = (LEADING_SERIES as readonly string[]).indexOf(key);
  return i < 0 ? LEADING_SERIES.length : i;
};

/**
 * The curve of a case: the final judgments of its finalised single and consensus assessments (a
 * rater's own rating stands for no one but the rater), the results of external instruments as a
 * series of their own, its incidents and measures, and where the model changed between two
 * consecutive assessments. `models` holds the definitions by modelId; a judgment of a model not
 * (yet) there has no place on its scale.
 */
export function curveOf(
  list: Pick<Assessments, 'assessments' | 'incidents'>,
  models: ReadonlyMap<string, ModelDefinition>,
  measures: readonly CurveMark[] = [],
): RiskCurve {
  const finals = list.assessments
    .flatMap((a) => (a.status === 'final' && a.finalisedAt !== null ? [{ a, at: a.finalisedAt }] : []))
    .map((f) => ({ ...f, t: Date.parse(f.at) }))
    .sort((x, y) => x.t - y.t);
  const team = finals.filter(({ a }) => a.modelKind === 'spj' && (a.kind === 'single' || a.kind === 'consensus'));
  const external = finals.filter(({ a }) => a.modelKind === 'external');
  const judgmentsOf = (a: AssessmentSummary) =>
    models.get(modelId(a.model))?.judgments.map((j) => j.key) ?? Object.keys(a.judgments);
  const pointOf = ({ a, at, t }: (typeof finals)[number], judgment: string): CurvePoint => {
    const model = models.get(modelId(a.model));
    const value = a.judgments[judgment] ?? null;
    const level = model === undefined ? null : levelOf(judgmentScale(model, judgment), value);
    return { id: a.id, at, t, value, level, model: a.model, kind: a.kind };
  };

  const keys = [...new Set(team.flatMap(({ a }) => judgmentsOf(a)))];
  keys.sort((x, y) => rank(x) - rank(y));
  const series: CurveSeries[] = keys.map((key) => ({
    key,
    kind: 'judgment',
    points: team.filter(({ a }) => judgmentsOf(a).includes(key)).map((f) => pointOf(f, key)),
  }));
  // An instrument's result stands on the level it gave, on its own scale.
  const externalPoints = external.map(({ a, at, t }): CurvePoint => {
    const model = models.get(modelId(a.model));
    const value = a.result?.level ?? null;
    const level = model === undefined ? null : levelOf(levelScale(model), value);
    return { id: a.id, at, t, value, level, model: a.model, kind: a.kind };
  });
  if (externalPoints.length > 0) series.push({ key: EXTERNAL_SERIES, kind: 'external', points: externalPoints });

  const changes: ModelChange[] = [];
  team.forEach(({ a, at, t }, i) => {
    const before = team[i - 1]?.a;
    if (before !== undefined && modelId(before.model) !== modelId(a.model))
      changes.push({ id: a.id, at, t, from: before.model, to: a.model, sameModel: before.model.key === a.model.key });
  });

  const incidents = list.incidents
    .map((i) => ({ id: i.id, at: i.occurredAt, t: Date.parse(i.occurredAt), tags: i.tags }))
    .sort((x, y) => x.t - y.t);
  const times = [...finals.map((f) => f.t), ...incidents.map((i) => i.t), ...measures.map((m) => m.t)];
  return { series, incidents, measures, changes, domain: domainOf(times) };
}

/** The times' range; at least two days, so that one assessment alone stands in the middle. */
export function domainOf(times: readonly number[]): TimeDomain | null {
  if (times.length === 0) return null;
  const start = Math.min(...times);
  const end = Math.max(...times);
  if (end - start >= 2 * DAY_MS) return { start, end };
  const middle = (start + end) / 2;
  return { start: middle - DAY_MS, end: middle + DAY_MS };
}

/** The plot's place in the drawing. */
export interface Frame {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export const xAt = (domain: TimeDomain, t: number, frame: Frame): number =>
  frame.left + ((t - domain.start) / (domain.end - domain.start)) * frame.width;

/** The highest value at the top. */
export const yAt = (level: number, frame: Frame): number => frame.top + (1 - level) * frame.height;

/** The points a line joins: runs between the points without a place (unknown), each of one point or more. */
export function runsOf(points: readonly CurvePoint[]): CurvePoint[][] {
  const runs: CurvePoint[][] = [];
  let run: CurvePoint[] = [];
  for (const p of points) {
    if (p.level === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push(p);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

const round = (n: number) => Math.round(n * 10) / 10;

export function linePath(run: readonly { x: number; y: number }[]): string {
  return run.map((p, i) => `${i === 0 ? 'M' : 'L'} ${round(p.x)} ${round(p.y)}`).join(' ');
}

/** Tick times across the domain at whole days (UTC), `count` intervals at most, none twice. */
export function ticksOf(domain: TimeDomain, count: number): number[] {
  const step = (domain.end - domain.start) / Math.max(1, count);
  const ticks = Array.from({ length: count + 1 }, (_, i) => {
    const day = Math.round((domain.start + i * step) / DAY_MS) * DAY_MS;
    return Math.min(domain.end, Math.max(domain.start, day));
  });
  return [...new Set(ticks)];
}

export const SHAPES = ['circle', 'triangle', 'square', 'star', 'diamond', 'cross'] as const;
export type Shape = (typeof SHAPES)[number];

/** A marker's outline around its centre, r its outer radius; every shape a closed path to fill. */
export function markerPath(shape: Shape, cx: number, cy: number, r: number): string {
  const at = (points: readonly (readonly [number, number])[]) =>
    `${points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'} ${round(cx + x)} ${round(cy + y)}`).join(' ')} Z`;
  switch (shape) {
    case 'circle':
      return `M ${round(cx - r)} ${round(cy)} a ${r} ${r} 0 1 0 ${2 * r} 0 a ${r} ${r} 0 1 0 ${-2 * r} 0 Z`;
    case 'triangle':
      return at([
        [0, -r],
        [r, r * 0.8],
        [-r, r * 0.8],
      ]);
    case 'square':
      return at([
        [-r * 0.8, -r * 0.8],
        [r * 0.8, -r * 0.8],
        [r * 0.8, r * 0.8],
        [-r * 0.8, r * 0.8],
      ]);
    case 'diamond':
      return at([
        [0, -r],
        [r, 0],
        [0, r],
        [-r, 0],
      ]);
    case 'star':
      return at(
        Array.from({ length: 10 }, (_, i) => {
          const radius = i % 2 === 0 ? r * 1.15 : r * 0.5;
          const angle = (Math.PI / 5) * i - Math.PI / 2;
          return [radius * Math.cos(angle), radius * Math.sin(angle)] as const;
        }),
      );
    case 'cross': {
      const w = r * 0.35;
      return at([
        [-w, -r],
        [w, -r],
        [w, -w],
        [r, -w],
        [r, w],
        [w, w],
        [w, r],
        [-w, r],
        [-w, w],
        [-r, w],
        [-r, -w],
        [-w, -w],
      ]);
    }
  }
}

export interface SeriesStyle {
  readonly shape: Shape;
  /** The line's dash pattern; undefined: solid. */
  readonly dash: string | undefined;
  readonly colour: string;
}

/** Each colour at least 4.5:1 on white; shape and dash say the same without it. */
const FIXED: Readonly<Record<string, SeriesStyle>> = {
  priority: { shape: 'circle', dash: undefined, colour: '#1d4e6b' },
  imminence: { shape: 'triangle', dash: '7 4', colour: '#b42318' },
  severity: { shape: 'square', dash: '2 3', colour: '#8a5300' },
  [EXTERNAL_SERIES]: { shape: 'star', dash: '10 3 2 3', colour: '#1f7a4d' },
};
const OTHERS: readonly SeriesStyle[] = [
  { shape: 'diamond', dash: '12 4', colour: '#5b6673' },
  { shape: 'cross', dash: '4 2 1 2', colour: '#6b2c91' },
];

/** The style of a series: fixed for the leading judgments and the instruments, the others in turn. */
export function styleOf(series: readonly CurveSeries[], key: string): SeriesStyle {
  const fixed = FIXED[key];
  if (fixed !== undefined) return fixed;
  const others = series.filter((s) => FIXED[s.key] === undefined).map((s) => s.key);
  const index = Math.max(0, others.indexOf(key));
  return OTHERS[index % OTHERS.length] ?? { shape: 'diamond', dash: undefined, colour: '#5b6673' };
}
