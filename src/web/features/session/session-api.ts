import { queryOptions } from '@tanstack/react-query';
import { SessionInfo, type SignInRequest } from '../../../contract/accounts.ts';
import { ApiError, apiDelete, apiGet, apiPost, setCsrfToken } from '../../api/client.ts';

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

export async function signOut(): Promise<void> {
  await apiDelete('/api/session');
  setCsrfToken(undefined);
}

/** Confirms the user again for a sensitive action: with the password, or a code of the authenticator app. */
export type StepUpProof = { readonly password: string } | { readonly code: string };

export function stepUp(proof: StepUpProof): Promise<void> {
  return apiPost('/api/session/step-up', proof);
}
