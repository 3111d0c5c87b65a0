import type { z } from 'zod';
import { Problem } from '../../contract/problem.ts';

/**
 * A failed API call: a non-2xx answer (with its RFC 9457 problem body when the server sent one), or a
 * 2xx answer whose body does not match the contract. Match on `problem.code`, never on the message.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;

  constructor(status: number, problem: Problem | undefined, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

export interface ApiGetOptions {
  /** Non-2xx statuses whose body is data of the given schema, e.g. 503 from /readyz. */
  readonly dataStatuses?: readonly number[];
  readonly signal?: AbortSignal;
}

const isProblemJson = (response: Response) =>
  (response.headers.get('content-type') ?? '').toLowerCase().startsWith('application/problem+json');

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
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
    headers: { accept: 'application/json' },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const body = await readJson(response);

  if (response.ok || options.dataStatuses?.includes(response.status)) {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    if (response.ok)
      throw new ApiError(response.status, undefined, `GET ${path}: response does not match the contract`);
  }

  const problem = isProblemJson(response) ? Problem.safeParse(body) : undefined;
  const detail = problem?.success ? problem.data : undefined;
  throw new ApiError(
    response.status,
    detail,
    `GET ${path}: ${response.status} ${detail?.title ?? response.statusText}`,
  );
}
