import { type RawBuilder, sql } from 'kysely';

/**
 * A timestamptz column as the API writes times (Date.toISOString: UTC, to the millisecond, the
 * microseconds cut off, not rounded), formatted by the database in whatever time zone its session
 * runs: a list of many rows would otherwise parse each time into a Date only to format it again,
 * which cost a busy assessments list a tenth of its time (bench/assessments.ts). Null stays null.
 */
export const isoText = (column: string): RawBuilder<string> =>
  sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
