import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { SESSION_KEY, type SessionState, signedOut } from '../features/session/session-api.ts';
import { problemCode, setCsrfToken } from './client.ts';

/**
 * The app's query client. A signed-in request that answers "unauthenticated" or "session_expired" ends the
 * session in the cache; the signed-in layout then sends the user to the sign-in page with the reason. One that
 * answers "mfa_required" (the browser's session is now one still waiting for its code, e.g. after a sign-in in
 * another tab) turns the session into a challenge: the layout sends the user to the code page. One that answers
 * "mfa_enrolment_required" (the role requires two-factor authentication, which the account lacks) likewise leads
 * to the set-up page.
 */
export function createQueryClient(): QueryClient {
  let client: QueryClient | undefined;
  const onError = (error: unknown) => {
    const code = problemCode(error);
    if (client === undefined) return;
    const current = client.getQueryData<SessionState>(SESSION_KEY);
    if (current === undefined || current.status === 'signed-out') return;
    if (code === 'unauthenticated' || code === 'session_expired') {
      setCsrfToken(undefined);
      client.setQueryData<SessionState>(SESSION_KEY, signedOut(code === 'session_expired' ? 'expired' : null));
    } else if ((code === 'mfa_required' || code === 'mfa_enrolment_required') && current.status === 'signed-in') {
      const status = code === 'mfa_required' ? 'challenge' : 'enrol';
      const confined: SessionState = { status, session: { ...current.session, mfa: status } };
      client.setQueryData<SessionState>(SESSION_KEY, confined);
      forgetUserData(client);
      // The cookie may now belong to another sign-in: ask the server whose session it is.
      void client.invalidateQueries({ queryKey: SESSION_KEY });
    }
  };
  client = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: true,
        // An answer of the server (4xx) will not change by asking again; a lost connection might.
        retry: (failures, error) => failures < 2 && problemCode(error) === undefined,
      },
    },
  });
  return client;
}

/** Drops every cached answer except the session: after sign-in and sign-out no other user's data remains. */
export function forgetUserData(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
}
