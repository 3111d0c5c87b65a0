/**
 * Days and times as the company counts them (TMA_TIME_ZONE, an IANA name), and the moments they
 * are. Node has no Temporal yet: the offset of a zone at a moment comes from Intl.
 */

// Making a formatter costs far more than using one: one per zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(at: Date, timeZone: string): Record<string, number> {
  const formatted = formatterOf(timeZone).formatToParts(at);
  const out: Record<string, number> = {};
  for (const p of formatted) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** Milliseconds the zone is ahead of UTC at this moment. */
function offsetAt(at: Date, timeZone: string): number {
  const p = parts(at, timeZone);
  const wall = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The moment a wall-clock time of the zone names. A time that a clock change skips (02:30 on the
 * night to summer time) is read with the offset before the change, so it lands an hour later; a
 * time that occurs twice (the night to winter time) is its first occurrence.
 */
export function momentOf(day: string, time: string | null, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = (time ?? '00:00').split(':').map(Number);
  const wall = Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0);
  const before = offsetAt(new Date(wall - 86_400_000 / 2), timeZone);
  const first = wall - before;
  const after = offsetAt(new Date(first), timeZone);
  if (after === before) return new Date(first);
  const second = wall - after;
  // Both readings name the wall time only when it occurs twice: take the earlier one.
  return offsetAt(new Date(second), timeZone) === after ? new Date(Math.min(first, second)) : new Date(first);
}

/**
 * The last wall clock read, by zone and whole second: a busy server asks for the same second many
 * times (each assessments list, for its review's state), and Intl takes microseconds per answer.
 * A zone's offset is a whole number of seconds, so one second of UTC is one second of its clock.
 */
let last:
  | { readonly timeZone: string; readonly second: number; readonly clock: { day: string; time: string } }
  | undefined;

/** The company's day and time of a moment: YYYY-MM-DD and HH:MM. */
export function wallClockOf(at: Date, timeZone: string): { day: string; time: string } {
  const second = Math.floor(at.getTime() / 1000);
  if (last !== undefined && last.second === second && last.timeZone === timeZone) return { ...last.clock };
  const p = parts(at, timeZone);
  const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  const clock = { day: `${p.year}-${two(p.month)}-${two(p.day)}`, time: `${two(p.hour)}:${two(p.minute)}` };
  last = { timeZone, second, clock };
  return { ...clock };
}
