import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Heading } from '../../ui/Heading.tsx';
import { SignOutCard } from '../session/SignOutCard.tsx';
import { useConfinedSession } from '../session/useConfinedSession.ts';
import { SignInCodeForm } from './SignInCodeForm.tsx';
import { SignInPasskeyOption } from './SignInPasskeyOption.tsx';

export interface SignInCodeSearch {
  readonly redirect?: string;
}

/**
 * The code page, for a session whose password was right and whose second factor is still due (the route lets
 * no other session in): a code of the app, a recovery code, or a passkey. Once one is accepted, on to the page asked for; if the session ends (signed out,
 * timed out), back to the sign-in page.
 */
export function SignInCodePage({ search }: { search: SignInCodeSearch }) {
  const { t } = useTranslation();
  useDocumentTitle(t('signInCode.title'));
  const session = useConfinedSession('challenge', search.redirect);

  if (session?.status !== 'challenge') return null;
  return (
    <section className="page page--narrow" aria-labelledby="sign-in-code-heading">
      <Heading id="sign-in-code-heading">{t('signInCode.heading')}</Heading>
      <SignInCodeForm name={session.session.user.displayName} />
      <SignInPasskeyOption />
      <SignOutCard text={t('signInCode.notYou')} />
    </section>
  );
}
