import { queryOptions } from '@tanstack/react-query';
import { SessionInfo } from '../../../contract/accounts.ts';
import {
  type MfaChallengeRequest,
  MfaStatus,
  PasskeyOptions,
  PasskeyRegistered,
  type PasskeyRegistrationRequest,
  RecoveryCodes,
  type RecoveryCodes as RecoveryCodesType,
  TotpEnrolment,
  type TotpEnrolment as TotpEnrolmentType,
} from '../../../contract/mfa.ts';
import { apiDelete, apiGet, apiPost } from '../../api/client.ts';
import type { WithStepUp } from '../session/StepUp.tsx';
import { passkeyChallenge } from '../session/session-api.ts';
import { createPasskey, signWithPasskey } from './passkey-ceremony.ts';

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

/**
 * The second step of signing in with a passkey instead of a code: the session's own challenge, signed by one of
 * the user's passkeys. Answers the finished session like answerChallenge.
 */
export async function answerChallengeWithPasskey(): Promise<SessionInfo> {
  const passkey = await signWithPasskey(await passkeyChallenge());
  return answerChallenge({ passkey });
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

/** The options for making a passkey (needs a recent step-up); the browser's ceremony comes next. */
export function passkeyRegistrationOptions(): Promise<PasskeyOptions> {
  return apiPost('/api/mfa/passkeys/options', undefined, PasskeyOptions);
}

/** Adds the passkey the browser made (needs a recent step-up); the account's first second factor brings codes. */
export function registerPasskey(request: PasskeyRegistrationRequest): Promise<PasskeyRegistered> {
  return apiPost('/api/mfa/passkeys', request, PasskeyRegistered);
}

/**
 * The whole of adding a passkey: options, the browser's ceremony, registration. Each request meets a step-up
 * demand through `withStepUp`; the first asks before the browser's prompt, so the user answers one at a time.
 */
export async function addPasskey(name: string, withStepUp: WithStepUp): Promise<PasskeyRegistered> {
  const options = await withStepUp(passkeyRegistrationOptions);
  const response = await createPasskey(options);
  return withStepUp(() => registerPasskey({ name, response }));
}

/** Removes one of the user's passkeys (needs a recent step-up); never the last second factor of a role needing one. */
export function removePasskey(id: string): Promise<void> {
  return apiDelete(`/api/mfa/passkeys/${encodeURIComponent(id)}`);
}
