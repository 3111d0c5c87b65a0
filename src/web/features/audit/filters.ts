import { z } from 'zod';
import type { AuditFilter, AuditOutcome } from '../../../contract/audit.ts';
import type { FieldProblem, FormProblems } from '../../forms/validation.ts';

/** The filter form as typed: text as entered, times as the datetime-local inputs give them (local time). */
export interface FilterForm {
  readonly actor: string;
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string;
  readonly caseId: string;
  readonly outcome: AuditOutcome | '';
  readonly from: string;
  readonly to: string;
}

export const EMPTY_FORM: FilterForm = {
  actor: '',
  action: '',
  objectType: '',
  objectId: '',
  caseId: '',
  outcome: '',
  from: '',
  to: '',
};

export const FILTER_FIELDS = ['actor', 'action', 'objectType', 'objectId', 'caseId', 'outcome', 'from', 'to'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** "+01:00" for the offset (in minutes east of UTC) of a time zone at some moment. */
export function formatOffset(minutesEast: number): string {
  const sign = minutesEast < 0 ? '-' : '+';
  return `${sign}${pad(Math.trunc(Math.abs(minutesEast) / 60))}:${pad(Math.abs(minutesEast) % 60)}`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/;

/**
 * A datetime-local value ("2025-03-30T14:05") as an ISO datetime with the browser's offset at that moment
 * ("2025-03-30T14:05:00+02:00"), which the API takes. undefined for an empty or malformed value.
 */
export function localToIso(value: string): string | undefined {
  const match = LOCAL.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second = '0'] = match.slice(1).map((part) => part ?? '');
  const date = new Date(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  if (Number.isNaN(date.getTime())) return undefined;
  const local =
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${local}${formatOffset(-date.getTimezoneOffset())}`;
}

// The server takes ids in lowercase only (contract/uuid.ts): a pasted uppercase id is lowercased when sent.
const Uuid = z.uuid();
const trimmed = (value: string) => value.trim();

function checkUuid(value: string): FieldProblem | undefined {
  return trimmed(value) === '' || Uuid.safeParse(trimmed(value)).success ? undefined : { key: 'validation.uuid' };
}

/** The problems of the form: ids that cannot be ids, a time that is no time, a range that ends before it starts. */
export function checkFilter(form: FilterForm): FormProblems<FilterField> {
  const problems: FormProblems<FilterField> = {};
  const actor = checkUuid(form.actor);
  if (actor) problems.actor = actor;
  const caseId = checkUuid(form.caseId);
  if (caseId) problems.caseId = caseId;
  const from = localToIso(form.from);
  const to = localToIso(form.to);
  if (form.from !== '' && from === undefined) problems.from = { key: 'validation.dateTime' };
  if (form.to !== '' && to === undefined) problems.to = { key: 'validation.dateTime' };
  if (from !== undefined && to !== undefined && Date.parse(from) >= Date.parse(to)) {
    problems.to = { key: 'validation.timeRange' };
  }
  return problems;
}

/** The API's filter for a (checked) form: empty fields left out, text trimmed, times with the browser's offset. */
export function toFilter(form: FilterForm): AuditFilter {
  const filter: Record<string, string> = {};
  for (const field of ['actor', 'action', 'objectType', 'objectId', 'caseId', 'outcome'] as const) {
    const value = trimmed(form[field]);
    if (value !== '') filter[field] = field === 'actor' || field === 'caseId' ? value.toLowerCase() : value;
  }
  const from = localToIso(form.from);
  const to = localToIso(form.to);
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  return filter as AuditFilter;
}

/** The query string of a filter (and a page cursor), in a stable order so that equal filters share a cache entry. */
export function filterParams(filter: AuditFilter, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...extra })) {
    if (typeof value === 'string' && value !== '') params.set(key, value);
  }
  params.sort();
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}
