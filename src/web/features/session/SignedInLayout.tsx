import { Outlet, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import type { SignInSearch } from './SignInPage.tsx';
import { StepUpProvider } from './StepUp.tsx';
import { useSession } from './useSession.ts';

/**
 * The frame of every page that needs a session. The route's beforeLoad already checked the session; this
 * handles its end while a page is open (a request answered "session expired", or the user signed out): back
 * to the sign-in page, with the reason and, unless the user left on purpose, the way back here. A request
 * answered "code required" (the browser's session now waits for its second factor) leads to the code page.
 */
export function SignedInLayout() {
  const session = useSession();
  const router = useRouter();
  const ended = session?.status === 'signed-out' ? session : undefined;
  const challenged = session?.status === 'challenge';

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
    if (!challenged) return;
    void router.navigate({ to: '/sign-in/code', search: { redirect: router.state.location.href }, replace: true });
  }, [challenged, router]);

  if (ended !== undefined || challenged) return null;
  return (
    <StepUpProvider>
      <Outlet />
    </StepUpProvider>
  );
}
