import { queryOptions } from '@tanstack/react-query';
import { FloodChallenge, IntakeSettings } from '../../../contract/intake-settings.ts';
import {
  MyReports,
  ReporterView,
  ReportReceipt,
  type SubmitReport,
  SubmittedReport,
} from '../../../contract/reports.ts';
import { apiGet, apiPost, problemCode } from '../../api/client.ts';
import { solveChallenge } from './proof-of-work.ts';

/**
 * The reporter's side of intake (docs/intake.md): the anonymous channel, which knows no session (the receipt,
 * always in a request body, is its only key), and a signed-in employee's own reports.
 */
export const intakeSettingsQuery = queryOptions({
  queryKey: ['intake', 'settings'],
  queryFn: ({ signal }) => apiGet('/api/anonymous/intake', IntakeSettings, { signal }),
  staleTime: 10 * 60_000,
});

/** What a sending form learns while it waits: whether the browser is solving the flood challenge. */
export interface SendProgress {
  readonly onChecking?: (checking: boolean) => void;
  readonly signal?: AbortSignal | undefined;
}

/** A fresh challenge may still meet a refusal (it expired, or was spent); a few tries, then the refusal stands. */
const CHALLENGE_TRIES = 3;

/**
 * An anonymous report. Under a flood the server refuses it (403 challenge_required) until it comes with a
 * solved challenge: then the same body, with the same idempotency key, is sent again with the proof. A proof is
 * solved even when the challenge no longer says it is required, as the flood may go on between the two calls.
 */
export async function submitAnonymous(body: SubmitReport, progress: SendProgress = {}) {
  const send = (proof?: SubmitReport['proof']) =>
    apiPost('/api/anonymous/reports', proof === undefined ? body : { ...body, proof }, ReportReceipt);
  try {
    return await send();
  } catch (error) {
    if (problemCode(error) !== 'challenge_required') throw error;
    progress.onChecking?.(true);
    try {
      for (let attempt = 1; ; attempt++) {
        const { seed, difficulty } = await apiGet('/api/anonymous/challenge', FloodChallenge);
        const nonce = await solveChallenge(seed, difficulty, progress.signal);
        try {
          return await send({ seed, nonce });
        } catch (again) {
          if (problemCode(again) !== 'challenge_required' || attempt === CHALLENGE_TRIES) throw again;
        }
      }
    } finally {
      progress.onChecking?.(false);
    }
  }
}

/** Every check of a receipt is a costly hash and counted by the flood protection: only on the reporter's request. */
export const openByReceipt = (receipt: string) => apiPost('/api/anonymous/receipt', { receipt }, ReporterView);

export const writeByReceipt = (receipt: string, body: string) =>
  apiPost('/api/anonymous/receipt/messages', { receipt, body }, ReporterView);

/** A signed-in employee's report; the flood challenge is only the anonymous channel's. */
export const submitReport = (body: SubmitReport) => apiPost('/api/reports', body, SubmittedReport);

const minePath = (id: string, rest = '') => `/api/reports/mine/${encodeURIComponent(id)}${rest}`;

export const myReportsQuery = queryOptions({
  queryKey: ['reports', 'mine'],
  queryFn: ({ signal }) => apiGet('/api/reports/mine', MyReports, { signal }),
});

export const myReportQuery = (id: string) =>
  queryOptions({
    queryKey: ['reports', 'mine', id],
    queryFn: ({ signal }) => apiGet(minePath(id), ReporterView, { signal }),
    retry: false,
  });

export const writeOnMyReport = (id: string, body: string) => apiPost(minePath(id, '/messages'), { body }, ReporterView);
