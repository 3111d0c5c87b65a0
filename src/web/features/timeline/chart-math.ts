import type { WarningBehaviour } from '../../../contract/reports.ts';
import type { ChartCounts } from '../../../contract/timeline.ts';
import { groupOf, KIND_GROUPS, type KindGroup } from './kinds.ts';

/**
 * The chart's arithmetic, without React: days as YYYY-MM-DD (calendar days, counted in UTC so no
 * time zone moves them), the window of days shown, its buckets (a day, a week, a month … so that
 * the chart never has more than MAX_BUCKETS bars), and zooming and moving the window.
 */
const MS_PER_DAY = 86_400_000;

export const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);

/** Whole days from one day to another (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY);

/** A run of days, both ends included. */
export interface DayWindow {
  readonly start: string;
  readonly end: string;
}

export const spanOf = (w: DayWindow): number => daysBetween(w.start, w.end) + 1;

/** The fewest days the chart zooms in to. */
export const MIN_SPAN = 7;
export const MAX_BUCKETS = 62;
/** Days per bucket, the smallest that keeps the bars at most MAX_BUCKETS. */
export const BUCKET_SIZES = [1, 7, 14, 30, 91, 182, 365] as const;

export function bucketSize(span: number): number {
  return BUCKET_SIZES.find((size) => Math.ceil(span / size) <= MAX_BUCKETS) ?? Math.ceil(span / MAX_BUCKETS);
}

/**
 * Every day the chart could show: from the first day with entries to the last, or today if that
 * is later; at least MIN_SPAN days. Null when there is nothing to chart.
 */
export function domainOf(chart: ChartCounts, today: string): DayWindow | null {
  const days = [...chart.days.map((d) => d.on), ...chart.tags.map((d) => d.on)].sort();
  const first = days[0];
  const last = days.at(-1);
  if (first === undefined || last === undefined) return null;
  const end = last > today ? last : today;
  const start = daysBetween(first, end) + 1 < MIN_SPAN ? addDays(end, -(MIN_SPAN - 1)) : first;
  return { start, end };
}

/** The window moved (not resized) to lie inside the domain, and no larger than it. */
export function clampWindow(w: DayWindow, domain: DayWindow): DayWindow {
  const span = Math.min(spanOf(w), spanOf(domain));
  let start = w.start < domain.start ? domain.start : w.start;
  if (daysBetween(start, domain.end) + 1 < span) start = addDays(domain.end, -(span - 1));
  return { start, end: addDays(start, span - 1) };
}

/** A window of `span` days around the middle of another (or a given day), inside the domain. */
function around(centre: string, span: number, domain: DayWindow): DayWindow {
  const start = addDays(centre, -Math.floor((span - 1) / 2));
  return clampWindow({ start, end: addDays(start, span - 1) }, domain);
}

const middleOf = (w: DayWindow): string => addDays(w.start, Math.floor((spanOf(w) - 1) / 2));

/** Half as many days (at least MIN_SPAN), around `focus` if given (a chosen range's middle), else the middle. */
export function zoomIn(w: DayWindow, domain: DayWindow, focus?: string): DayWindow {
  const span = Math.max(Math.min(MIN_SPAN, spanOf(domain)), Math.ceil(spanOf(w) / 2));
  return around(focus ?? middleOf(w), span, domain);
}

/** Twice as many days, at most the domain. */
export function zoomOut(w: DayWindow, domain: DayWindow): DayWindow {
  return around(middleOf(w), Math.min(spanOf(domain), spanOf(w) * 2), domain);
}

/** Half a window earlier (-1) or later (1), stopping at the domain's ends. */
export function pan(w: DayWindow, domain: DayWindow, direction: -1 | 1): DayWindow {
  const step = Math.max(1, Math.floor(spanOf(w) / 2)) * direction;
  return clampWindow({ start: addDays(w.start, step), end: addDays(w.end, step) }, domain);
}

export const canZoomIn = (w: DayWindow, domain: DayWindow) => spanOf(w) > Math.min(MIN_SPAN, spanOf(domain));
export const canZoomOut = (w: DayWindow, domain: DayWindow) => spanOf(w) < spanOf(domain);

export interface Bucket {
  readonly start: string;
  /** The last day, included (the last bucket may be shorter than the others). */
  readonly end: string;
  readonly groups: Readonly<Record<KindGroup, number>>;
  readonly total: number;
  readonly tags: Readonly<Partial<Record<WarningBehaviour, number>>>;
  readonly tagTotal: number;
}

const noGroups = (): Record<KindGroup, number> =>
  Object.fromEntries(KIND_GROUPS.map((g) => [g, 0])) as Record<KindGroup, number>;

/** The window's days in buckets of `size` days from its start, with the entries and warning behaviours of each. */
export function bucketsOf(chart: ChartCounts, w: DayWindow, size = bucketSize(spanOf(w))): Bucket[] {
  const span = spanOf(w);
  const count = Math.ceil(span / size);
  const buckets = Array.from({ length: count }, (_, i) => ({
    start: addDays(w.start, i * size),
    end: addDays(w.start, Math.min(span, (i + 1) * size) - 1),
    groups: noGroups(),
    total: 0,
    tags: {} as Partial<Record<WarningBehaviour, number>>,
    tagTotal: 0,
  }));
  const at = (day: string) => {
    const offset = daysBetween(w.start, day);
    return offset < 0 || offset >= span ? undefined : buckets[Math.floor(offset / size)];
  };
  for (const d of chart.days) {
    const bucket = at(d.on);
    if (bucket === undefined) continue;
    bucket.groups[groupOf(d.kind)] += d.count;
    bucket.total += d.count;
  }
  for (const d of chart.tags) {
    const bucket = at(d.on);
    if (bucket === undefined) continue;
    bucket.tags[d.tag] = (bucket.tags[d.tag] ?? 0) + d.count;
    bucket.tagTotal += d.count;
  }
  return buckets;
}

/** The days from one bucket to another, in either order. */
export function rangeOf(buckets: readonly Bucket[], a: number, b: number): { from: string; to: string } | undefined {
  const first = buckets[Math.min(a, b)];
  const last = buckets[Math.max(a, b)];
  return first === undefined || last === undefined ? undefined : { from: first.start, to: last.end };
}

/** Whether a bucket lies (partly) in a chosen range of days; an open end reaches as far as it may. */
export const inRange = (bucket: Bucket, from: string, to: string): boolean =>
  (from === '' || bucket.end >= from) && (to === '' || bucket.start <= to);
