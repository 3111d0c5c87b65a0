import { useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { landingPath } from './landing.ts';
import { safeRedirect } from './redirect.ts';
import type { SignInSearch } from './SignInPage.tsx';
import type { SessionState } from './session-api.ts';
import { useSession } from './useSession.ts';

/** The pages of a session that is not done signing in yet, by the state they serve. */
export const CONFINED_PAGES = { challenge: '/sign-in/code', enrol: '/sign-in/set-up' } as const;

/**
 * For a page of a confined session (the code page, the set-up page): while the session is in the state the page
 * serves, it stays; once it is anything else, on to where it belongs: the page asked for (signed in, unless
 * `stay` holds it back for a moment), the other confined page, or the sign-in page (signed out, timed out).
 */
export function useConfinedSession(
  serves: keyof typeof CONFINED_PAGES,
  redirect: string | undefined,
  stay = false,
): SessionState | undefined {
  const router = useRouter();
  const session = useSession();

  useEffect(() => {
    if (session === undefined || session.status === serves) return;
    if (session.status === 'signed-in') {
      if (!stay) router.history.replace(safeRedirect(redirect) ?? landingPath(session.session.user.role));
    } else if (session.status === 'signed-out') {
      const next: SignInSearch = {
        ...(session.reason === 'expired' && redirect !== undefined ? { redirect } : {}),
        ...(session.reason !== null ? { notice: session.reason } : {}),
      };
      void router.navigate({ to: '/sign-in', search: next, replace: true });
    } else {
      const search = redirect === undefined ? {} : { redirect };
      void router.navigate({ to: CONFINED_PAGES[session.status], search, replace: true });
    }
  }, [session, serves, redirect, stay, router]);

  return session;
}
