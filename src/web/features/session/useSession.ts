import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { SessionInfo } from '../../../contract/accounts.ts';
import { forgetUserData } from '../../api/query-client.ts';
import {
  SESSION_KEY,
  type SessionState,
  type SignedOutReason,
  sessionQuery,
  signedIn,
  signedOut,
} from './session-api.ts';

/** The session as the server last described it; undefined while the first answer is awaited. */
export function useSession(): SessionState | undefined {
  return useQuery(sessionQuery).data;
}

/** The signed-in user's session. Only for components below the signed-in layout, which guarantees one. */
export function useSignedInSession(): SessionInfo {
  const state = useSession();
  if (state?.status !== 'signed-in') throw new Error('useSignedInSession outside the signed-in layout');
  return state.session;
}

/** Records a sign-in or a sign-out in the cache, dropping every other cached answer. */
export function useSetSession() {
  const client = useQueryClient();
  return {
    signedIn(session: SessionInfo) {
      forgetUserData(client);
      client.setQueryData<SessionState>(SESSION_KEY, signedIn(session));
    },
    signedOut(reason: SignedOutReason) {
      client.setQueryData<SessionState>(SESSION_KEY, signedOut(reason));
      forgetUserData(client);
    },
  };
}
