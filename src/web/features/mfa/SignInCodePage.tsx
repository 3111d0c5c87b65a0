import { useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { landingPath } from '../session/landing.ts';
import { safeRedirect } from '../session/redirect.ts';
import type { SignInSearch } from '../session/SignInPage.tsx';
import { useSession } from '../session/useSession.ts';
import { useSignOut } from '../session/useSignOut.ts';
import { SignInCodeForm } from './SignInCodeForm.tsx';

export interface SignInCodeSearch {
  readonly redirect?: string;
}

/**
 * The code page, for a session whose password was right and whose second factor is still due (the route lets
 * no other session in). Once the code is accepted, on to the page asked for; if the session ends (signed out,
 * timed out), back to the sign-in page.
 */
export function SignInCodePage({ search }: { search: SignInCodeSearch }) {
  const { t } = useTranslation();
  useDocumentTitle(t('signInCode.title'));
  const router = useRouter();
  const session = useSession();
  const signOut = useSignOut();
  const { redirect } = search;

  useEffect(() => {
    if (session?.status === 'signed-in') {
      router.history.replace(safeRedirect(redirect) ?? landingPath(session.session.user.role));
    } else if (session?.status === 'signed-out') {
      const next: SignInSearch = {
        ...(session.reason === 'expired' && redirect !== undefined ? { redirect } : {}),
        ...(session.reason !== null ? { notice: session.reason } : {}),
      };
      void router.navigate({ to: '/sign-in', search: next, replace: true });
    }
  }, [session, redirect, router]);

  if (session?.status !== 'challenge') return null;
  return (
    <section className="page page--narrow" aria-labelledby="sign-in-code-heading">
      <Heading id="sign-in-code-heading">{t('signInCode.heading')}</Heading>
      <SignInCodeForm name={session.session.user.displayName} />
      <div className="card">
        <p>{t('signInCode.notYou')}</p>
        {signOut.isError && (
          <Alert tone="error" focus focusKey={signOut.error}>
            <p>{t('session.signOutFailed')}</p>
          </Alert>
        )}
        <p>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => signOut.mutate()}
            disabled={signOut.isPending}
          >
            {t('session.signOut')}
          </button>
        </p>
      </div>
    </section>
  );
}
