import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../contract/accounts.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { signInWithPasskey } from './session-api.ts';
import { useSetSession } from './useSession.ts';

/**
 * Signing in with a passkey alone: no e-mail address, no password. The passkey the user picks in the browser's
 * prompt names the account, and with its user verification (fingerprint, face, PIN) counts as both factors.
 */
export function PasskeySignIn({ onSignedIn }: { onSignedIn: (session: SessionInfo) => void }) {
  const { t } = useTranslation();
  const setSession = useSetSession();
  const mutation = useMutation({
    mutationFn: signInWithPasskey,
    onSuccess: (session) => {
      setSession.signedIn(session);
      onSignedIn(session);
    },
  });

  return (
    <section className="card" aria-labelledby="passkey-sign-in-heading">
      <h2 id="passkey-sign-in-heading">{t('signIn.passkeyHeading')}</h2>
      <p>{t('signIn.passkeyIntro')}</p>
      <ErrorAlert error={mutation.error} messages={{ invalid_passkey: t('signIn.wrongPasskey') }} />
      <p>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => mutation.mutate()}
          disabled={mutation.isPending}
        >
          {mutation.isPending ? t('common.working') : t('signIn.withPasskey')}
        </button>
      </p>
    </section>
  );
}
