import { Day } from '../../../contract/reports.ts';

/**
 * Days as the intake counts them: YYYY-MM-DD, no time of day (the anonymous channel keeps none; docs/intake.md).
 * Today is the browser's day; the server checks again with the company's day.
 */
const MS_PER_DAY = 86_400_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** The local calendar day of a moment, YYYY-MM-DD. */
export const dayOf = (date: Date): string => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

export const todayDay = (): string => dayOf(new Date());

export const isDay = (value: string): boolean => Day.safeParse(value).success;

/** Whole days from one day to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY);
}

/** Full years of a person born on `birth` on the day `on`. */
export function ageOn(birth: string, on: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
  return oy - by - (om < bm || (om === bm && od < bd) ? 1 : 0);
}

/**
 * A birth date that makes someone a child under 14 or older than 100 is flagged, never refused: it may be right,
 * or a slip of the year.
 */
export function birthDateWarning(birth: string, today: string): 'young' | 'old' | undefined {
  if (!isDay(birth) || birth > today) return undefined;
  const age = ageOn(birth, today);
  if (age < 14) return 'young';
  if (age > 100) return 'old';
  return undefined;
}

export type DeadlineState =
  | { readonly kind: 'done'; readonly on: string }
  | { readonly kind: 'due'; readonly days: number }
  | { readonly kind: 'overdue'; readonly days: number };

/** Where a deadline stands today: met (on a day), due in some days (0 = today), or overdue by some days. */
export function deadlineState(due: string, doneOn: string | null, today: string): DeadlineState {
  if (doneOn !== null) return { kind: 'done', on: doneOn };
  const left = daysBetween(today, due);
  return left < 0 ? { kind: 'overdue', days: -left } : { kind: 'due', days: left };
}
