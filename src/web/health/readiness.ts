import { Readiness } from '../../contract/health.ts';
import { apiGet } from '../api/client.ts';

export const READINESS_POLL_MS = 10_000;

/** GET /readyz. A 503 carrying a Readiness body is an answer ("not ready"), not a failure. */
export function fetchReadiness(signal?: AbortSignal): Promise<Readiness> {
  return apiGet('/readyz', Readiness, { dataStatuses: [503], ...(signal ? { signal } : {}) });
}
