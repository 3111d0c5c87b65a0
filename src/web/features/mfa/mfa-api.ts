import { queryOptions } from '@tanstack/react-query';
import { SessionInfo } from '../../../contract/accounts.ts';
import {
  type MfaChallengeRequest,
  MfaStatus,
  RecoveryCodes,
  type RecoveryCodes as RecoveryCodesType,
  TotpEnrolment,
  type TotpEnrolment as TotpEnrolmentType,
} from '../../../contract/mfa.ts';
import { apiGet, apiPost } from '../../api/client.ts';

export const mfaStatusQuery = queryOptions({
  queryKey: ['me', 'mfa'],
  queryFn: ({ signal }) => apiGet('/api/mfa', MfaStatus, { signal }),
});

/**
 * The second step of signing in. The answer is the session with a new CSRF token (the server replaces the
 * session's cookie): record it with useSetSession().signedIn, which makes the client send the new token.
 */
export function answerChallenge(request: MfaChallengeRequest): Promise<SessionInfo> {
  return apiPost('/api/session/mfa', request, SessionInfo);
}

/** Starts an enrolment (needs a recent step-up): the secret for the app, confirmed by one of its codes. */
export function startTotpEnrolment(): Promise<TotpEnrolmentType> {
  return apiPost('/api/mfa/totp', undefined, TotpEnrolment);
}

/** Finishes the enrolment; the answer holds the ten recovery codes, shown this once. */
export function confirmTotpEnrolment(code: string): Promise<RecoveryCodesType> {
  return apiPost('/api/mfa/totp/confirm', { code }, RecoveryCodes);
}

/** Ten new recovery codes (needs a recent step-up); the old ones stop working. */
export function renewRecoveryCodes(): Promise<RecoveryCodesType> {
  return apiPost('/api/mfa/recovery-codes', undefined, RecoveryCodes);
}
