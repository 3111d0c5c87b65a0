/**
 * The deadlines of a report (docs/intake.md, "Deadlines"), as the EU whistleblowing directive
 * (2019/1937, art. 9(1)(b) and (f)) and Germany's HinSchG (§ 17) set them: the reporter's receipt
 * is acknowledged within 7 days, and they get feedback within 3 months of the acknowledgement, or,
 * if none was sent, of the end of the 7 days. Both are configurable (a company may promise less).
 *
 * Days are calendar days in the company's time zone, as `YYYY-MM-DD`: the anonymous channel keeps
 * no time finer than the day, so deadlines are days too. A month later is the same day of the
 * month, or the month's last day when it has no such day (30 November + 3 months = 28 or 29
 * February), as courts count periods of months (BGB § 188(3)).
 */
export interface DeadlinePolicy {
  readonly acknowledgeDays: number;
  readonly feedbackMonths: number;
}

export const STATUTORY: DeadlinePolicy = { acknowledgeDays: 7, feedbackMonths: 3 };

/** How many days before a deadline it counts as coming close (the reminders, the dashboard). */
export const SOON_DAYS = { acknowledge: 2, feedback: 14 } as const;

export interface Deadlines {
  /** The last day on which the receipt may be acknowledged. */
  readonly acknowledgeBy: string;
  /** The last day on which the reporter must have feedback. */
  readonly feedbackBy: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(day: string): Date {
  const m = DAY.exec(day);
  const date = m === null ? new Date(Number.NaN) : new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day)
    throw new RangeError(`not a calendar day: ${day}`);
  return date;
}

const format = (date: Date) => date.toISOString().slice(0, 10);

export function addDays(day: string, days: number): string {
  const date = parseDay(day);
  date.setUTCDate(date.getUTCDate() + days);
  return format(date);
}

export function addMonths(day: string, months: number): string {
  const date = parseDay(day);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastOfMonth = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastOfMonth));
  return format(target);
}

/** The deadlines of a report received on `receivedOn`, acknowledged on `acknowledgedOn` if it was. */
export function deadlinesOf(
  receivedOn: string,
  acknowledgedOn: string | null,
  policy: DeadlinePolicy = STATUTORY,
): Deadlines {
  if (!Number.isInteger(policy.acknowledgeDays) || policy.acknowledgeDays < 1)
    throw new RangeError('acknowledgeDays is a whole number of days, at least 1');
  if (!Number.isInteger(policy.feedbackMonths) || policy.feedbackMonths < 1)
    throw new RangeError('feedbackMonths is a whole number of months, at least 1');
  const acknowledgeBy = addDays(receivedOn, policy.acknowledgeDays);
  if (acknowledgedOn !== null && parseDay(acknowledgedOn) < parseDay(receivedOn))
    throw new RangeError('a report is acknowledged on or after the day it was received');
  return { acknowledgeBy, feedbackBy: addMonths(acknowledgedOn ?? acknowledgeBy, policy.feedbackMonths) };
}

/** Whether a deadline has passed on `today`: the deadline's own day still counts as in time. */
export const overdue = (deadline: string, today: string): boolean => parseDay(today) > parseDay(deadline);

// Making a formatter costs far more than using one (it showed in the dashboard's profile): one per zone, kept.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of a moment in the company's time zone (an IANA name, e.g. Europe/Berlin), as YYYY-MM-DD. */
export function dayIn(at: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (format === undefined) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(at);
}

/** Whole days from one day to a later one. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((parseDay(to).getTime() - parseDay(from).getTime()) / 86_400_000);
