import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useSetSession } from '../session/useSession.ts';
import { answerChallengeWithPasskey } from './mfa-api.ts';

/**
 * The second step of signing in with a passkey instead of a code. The page cannot know whether the user has one
 * (the waiting session reaches nothing that says so), so it is always offered; without one, the server says so
 * (409 no_passkey) before the browser is asked. The answer is the finished session, as with a code.
 */
export function SignInPasskeyOption() {
  const { t } = useTranslation();
  const setSession = useSetSession();
  const mutation = useMutation({
    mutationFn: answerChallengeWithPasskey,
    onSuccess: (session) => setSession.signedIn(session),
  });

  return (
    <div className="card">
      <p>{t('signInCode.passkeyIntro')}</p>
      <ErrorAlert
        error={mutation.error}
        messages={{ invalid_passkey: t('signInCode.wrongPasskey'), no_passkey: t('signInCode.noPasskey') }}
      />
      <p>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => mutation.mutate()}
          disabled={mutation.isPending}
        >
          {mutation.isPending ? t('common.working') : t('signInCode.usePasskey')}
        </button>
      </p>
    </div>
  );
}
