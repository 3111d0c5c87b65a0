import type { z } from 'zod';
import { UPLOAD_REFUSALS } from '../../contract/documents.ts';
import { Problem } from '../../contract/problem.ts';
import { isAnonymousApi, onAnonymousPage } from './anonymous-pages.ts';

/**
 * A failed API call: a non-2xx answer (with its RFC 9457 problem body when the server sent one), or a
 * 2xx answer whose body does not match the contract. Match on `problem.code`, never on the message.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;
  /** Seconds from a Retry-After header (429, 503), when the server sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, problem: Problem | undefined, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get code(): string | undefined {
    return this.problem?.code;
  }
}

export type UploadRefusal = (typeof UPLOAD_REFUSALS)[number];

/** An upload the server refused (problem code `upload_refused`), with its reason. */
export class UploadRefusedError extends ApiError {
  readonly reason: UploadRefusal;

  constructor(error: ApiError, reason: UploadRefusal) {
    super(error.status, error.problem, error.message, error.retryAfterSeconds);
    this.name = 'UploadRefusedError';
    this.reason = reason;
  }
}

/** The problem code of an error, if it is an ApiError that carries one. */
export function problemCode(error: unknown): string | undefined {
  return error instanceof ApiError ? error.code : undefined;
}

export interface ApiGetOptions {
  /** Non-2xx statuses whose body is data of the given schema, e.g. 503 from /readyz. */
  readonly dataStatuses?: readonly number[];
  readonly signal?: AbortSignal;
  /**
   * Asked by the app on its own (a poll), not by the user: the server does not count it as
   * activity, so an unattended session still times out.
   */
  readonly passive?: boolean;
}

/**
 * The CSRF token of the current session, sent as X-CSRF-Token with every POST, PUT and DELETE. The session
 * module sets it whenever it learns the session (GET /api/session, sign-in) and clears it on sign-out.
 */
let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/**
 * Marks a request passive on the anonymous channel's public pages (see anonymous-pages.ts): there the app asks
 * nothing in the user's name, so nothing may count as the session's activity.
 */
const passiveHeader = (passive = false): Record<string, string> =>
  passive || onAnonymousPage() ? { 'x-tma-passive': '1' } : {};

/** The session's CSRF token, except to the anonymous channel, which checks none and must not be tied to a session. */
const csrfHeader = (path: string): Record<string, string> =>
  csrfToken === undefined || isAnonymousApi(path) ? {} : { 'x-csrf-token': csrfToken };

const isProblemJson = (response: Response) =>
  (response.headers.get('content-type') ?? '').toLowerCase().startsWith('application/problem+json');

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function retryAfter(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  return value !== null && /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

function failure(method: string, path: string, response: Response, body: unknown): ApiError {
  const problem = isProblemJson(response) ? Problem.safeParse(body) : undefined;
  const detail = problem?.success ? problem.data : undefined;
  return new ApiError(
    response.status,
    detail,
    `${method} ${path}: ${response.status} ${detail?.title ?? response.statusText}`,
    retryAfter(response),
  );
}

/** GET a same-origin JSON resource and parse it with a contract schema. */
export async function apiGet<S extends z.ZodType>(
  path: string,
  schema: S,
  options: ApiGetOptions = {},
): Promise<z.output<S>> {
  const response = await fetch(path, {
    method: 'GET',
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...passiveHeader(options.passive) },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const body = await readJson(response);

  if (response.ok || options.dataStatuses?.includes(response.status)) {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    if (response.ok)
      throw new ApiError(response.status, undefined, `GET ${path}: response does not match the contract`);
  }
  throw failure('GET', path, response, body);
}

/** A file the server sends as an attachment: its content and the name it suggests. */
export interface Download {
  readonly blob: Blob;
  readonly filename: string | undefined;
}

/** The file name of a Content-Disposition header (the plain `filename="…"` form the server sends). */
export function attachmentName(header: string | null): string | undefined {
  const match = /filename="?([^";]+)"?/i.exec(header ?? '');
  const name = match?.[1]?.trim();
  return name === undefined || name === '' || /[\\/]/.test(name) ? undefined : name;
}

/**
 * GET a same-origin file (an export) as a Blob. A failure is an ApiError like any other, so that a caller can
 * meet a step-up demand before the browser is told to save anything.
 */
export async function apiDownload(path: string, accept: string): Promise<Download> {
  const response = await fetch(path, {
    method: 'GET',
    credentials: 'same-origin',
    headers: { accept, ...passiveHeader() },
  });
  if (!response.ok) throw failure('GET', path, response, await readJson(response));
  return { blob: await response.blob(), filename: attachmentName(response.headers.get('content-disposition')) };
}

type Method = 'POST' | 'PUT' | 'DELETE';

/**
 * Sends a JSON body (if any) same-origin, with the session's CSRF token when signed in. With a schema the 2xx
 * body must match it; without one the answer's body is ignored (204).
 */
async function send<S extends z.ZodType>(
  method: Method,
  path: string,
  body: unknown,
  schema: S | undefined,
): Promise<z.output<S> | undefined> {
  const headers: Record<string, string> = { accept: 'application/json', ...passiveHeader(), ...csrfHeader(path) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data = response.status === 204 ? undefined : await readJson(response);
  if (!response.ok) throw failure(method, path, response, data);
  // A DELETE may answer with content (sign-out after single sign-on) or without.
  if (schema === undefined || (method === 'DELETE' && response.status === 204)) return undefined;
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new ApiError(response.status, undefined, `${method} ${path}: response does not match the contract`);
}

/** POST a JSON body; with a schema, returns the parsed answer, without one expects no content. */
export function apiPost<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.output<S>>;
export function apiPost(path: string, body?: unknown): Promise<void>;
export async function apiPost<S extends z.ZodType>(path: string, body?: unknown, schema?: S) {
  return send('POST', path, body, schema);
}

/** PUT a JSON body; with a schema, returns the parsed answer, without one expects no content. */
export function apiPut<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.output<S>>;
export function apiPut(path: string, body: unknown): Promise<void>;
export async function apiPut<S extends z.ZodType>(path: string, body: unknown, schema?: S) {
  return send('PUT', path, body, schema);
}

/** DELETE a resource; without a schema expects no content, with one returns the parsed answer (or undefined on 204). */
export function apiDelete<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S> | undefined>;
export function apiDelete(path: string): Promise<void>;
export async function apiDelete<S extends z.ZodType>(path: string, schema?: S) {
  return send('DELETE', path, undefined, schema);
}

/**
 * POSTs one file as multipart/form-data: the fields first, in the order given (the server reads them before the
 * file), then the file as the part "file". The browser sets the content type with its boundary. A refusal of the
 * file itself is an UploadRefusedError naming the reason (the problem's `reason`, which Problem does not keep).
 */
export async function apiUpload<S extends z.ZodType>(
  path: string,
  fields: Readonly<Record<string, string>>,
  file: File,
  schema: S,
  signal?: AbortSignal,
): Promise<z.output<S>> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', file, file.name);
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...passiveHeader(), ...csrfHeader(path) },
    body: form,
    ...(signal ? { signal } : {}),
  });
  const data = await readJson(response);
  if (!response.ok) {
    const error = failure('POST', path, response, data);
    const reason = (data as { reason?: unknown } | undefined)?.reason;
    const known = UPLOAD_REFUSALS.find((r) => r === reason);
    throw error.code === 'upload_refused' && known !== undefined ? new UploadRefusedError(error, known) : error;
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new ApiError(response.status, undefined, `POST ${path}: response does not match the contract`);
}
