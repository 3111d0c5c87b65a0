import { queryOptions } from '@tanstack/react-query';
import { SessionInfo, type SignInRequest } from '../../../contract/accounts.ts';
import { type PasskeyAuthenticationResponse, PasskeyOptions } from '../../../contract/mfa.ts';
import { SignOutResult } from '../../../contract/sso.ts';
import { ApiError, apiDelete, apiGet, apiPost, setCsrfToken } from '../../api/client.ts';
import { signWithPasskey } from '../mfa/passkey-ceremony.ts';

/** Why the user is signed out, when the app knows it: shown as a notice on the sign-in page. */
export type SignedOutReason = 'expired' | 'signed_out' | 'password_changed';

/**
 * `challenge`: the password was right, the code of the authenticator app is still due. Such a session reaches
 * nothing but the code page (and signing out) until then. `enrol`: the password was right, and the user's role
 * requires two-factor authentication, which the account does not have yet: such a session reaches nothing but
 * the set-up page (and signing out) until it is set up.
 */
export type SessionState =
  | { readonly status: 'signed-in'; readonly session: SessionInfo }
  | { readonly status: 'challenge'; readonly session: SessionInfo }
  | { readonly status: 'enrol'; readonly session: SessionInfo }
  | { readonly status: 'signed-out'; readonly reason: SignedOutReason | null };

export const SESSION_KEY = ['session'] as const;
/** The sign-out in flight: what ends the session on purpose must not be taken for a session that ended by itself. */
export const SIGN_OUT_KEY = ['session', 'sign-out'] as const;

export const signedOut = (reason: SignedOutReason | null): SessionState => ({ status: 'signed-out', reason });

/** The state of a session the server described; its CSRF token is used from now on (it changes after the code). */
export function signedIn(session: SessionInfo): SessionState {
  setCsrfToken(session.csrfToken);
  if (session.mfa === 'challenge' || session.mfa === 'enrol') return { status: session.mfa, session };
  return { status: 'signed-in', session };
}

/** GET /api/session: a 401 is an answer (signed out, perhaps because the session timed out), not a failure. */
export async function fetchSession(signal?: AbortSignal): Promise<SessionState> {
  try {
    return signedIn(await apiGet('/api/session', SessionInfo, signal ? { signal } : {}));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(undefined);
      return signedOut(error.code === 'session_expired' ? 'expired' : null);
    }
    throw error;
  }
}

export const sessionQuery = queryOptions({
  queryKey: SESSION_KEY,
  queryFn: ({ signal }) => fetchSession(signal),
  staleTime: 5_000,
  retry: false,
});

export function signIn(request: SignInRequest): Promise<SessionInfo> {
  return apiPost('/api/session', request, SessionInfo);
}

/**
 * Ends the session; after a single sign-on, answers the provider's address that ends the session there too
 * (RP-initiated logout), for the browser to go on to.
 */
export async function signOut(): Promise<string | undefined> {
  const answer = await apiDelete('/api/session', SignOutResult);
  setCsrfToken(undefined);
  return answer?.logoutUrl;
}

/**
 * A sign-in with a passkey alone (it is both factors): a challenge open to any passkey, the browser's ceremony
 * (the user picks the account by picking the passkey), then the finished session, which sets the cookie.
 */
export async function signInWithPasskey(): Promise<SessionInfo> {
  const options = await apiPost('/api/session/passkey/options', undefined, PasskeyOptions);
  const response = await signWithPasskey(options);
  return apiPost('/api/session/passkey', { response }, SessionInfo);
}

/** A challenge for one of the signed-in user's passkeys: the second step of a sign-in, or a step-up. */
export function passkeyChallenge(): Promise<PasskeyOptions> {
  return apiPost('/api/session/passkey-challenge', undefined, PasskeyOptions);
}

/** Confirms the user again for a sensitive action: the password, a code of the authenticator app, or a passkey. */
export type StepUpProof =
  | { readonly password: string }
  | { readonly code: string }
  | { readonly passkey: PasskeyAuthenticationResponse };

export function stepUp(proof: StepUpProof): Promise<void> {
  return apiPost('/api/session/step-up', proof);
}

/** A step-up with one of the user's passkeys: the session's challenge, signed in the browser. */
export async function stepUpWithPasskey(): Promise<void> {
  await stepUp({ passkey: await signWithPasskey(await passkeyChallenge()) });
}
