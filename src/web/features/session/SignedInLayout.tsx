import { Outlet, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import type { SignInSearch } from './SignInPage.tsx';
import { StepUpProvider } from './StepUp.tsx';
import { CONFINED_PAGES } from './useConfinedSession.ts';
import { useSession } from './useSession.ts';

/**
 * The frame of every page that needs a session. The route's beforeLoad already checked the session; this
 * handles its end while a page is open (a request answered "session expired", or the user signed out): back
 * to the sign-in page, with the reason and, unless the user left on purpose, the way back here. A request
 * answered "code required" (the browser's session now waits for its second factor) leads to the code page; one
 * answered "set-up required" (the role requires two-factor authentication, still missing) to the set-up page.
 */
export function SignedInLayout() {
  const session = useSession();
  const router = useRouter();
  const ended = session?.status === 'signed-out' ? session : undefined;
  const confined = session?.status === 'challenge' || session?.status === 'enrol' ? session.status : undefined;

  // Once per end of a session (the state object changes only then): a navigation on every render would start
  // over with each location change it causes itself.
  useEffect(() => {
    if (ended === undefined) return;
    const leftOnPurpose = ended.reason === 'signed_out' || ended.reason === 'password_changed';
    const search: SignInSearch = {
      ...(leftOnPurpose ? {} : { redirect: router.state.location.href }),
      ...(ended.reason !== null ? { notice: ended.reason } : {}),
    };
    void router.navigate({ to: '/sign-in', search, replace: true });
  }, [ended, router]);

  useEffect(() => {
    if (confined === undefined) return;
    const search = { redirect: router.state.location.href };
    void router.navigate({ to: CONFINED_PAGES[confined], search, replace: true });
  }, [confined, router]);

  if (ended !== undefined || confined !== undefined) return null;
  return (
    <StepUpProvider>
      <Outlet />
    </StepUpProvider>
  );
}
