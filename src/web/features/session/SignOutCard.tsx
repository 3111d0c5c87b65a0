import { useTranslation } from 'react-i18next';
import { Alert } from '../../ui/Alert.tsx';
import { useSignOut } from './useSignOut.ts';

/** A way out of a sign-in that cannot be finished now: a word why one might, and the sign-out button. */
export function SignOutCard({ text }: { text: string }) {
  const { t } = useTranslation();
  const signOut = useSignOut();
  return (
    <div className="card">
      <p>{text}</p>
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
  );
}
