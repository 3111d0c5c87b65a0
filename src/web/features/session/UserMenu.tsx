import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../contract/accounts.ts';
import { ApiError } from '../../api/client.ts';
import { isLanguage, saveLanguage } from '../../i18n/languages.ts';
import { signOut } from './session-api.ts';
import { useSetSession } from './useSession.ts';

/** Who is signed in (name and role) and the sign-out button, in the header. */
export function UserMenu({ session }: { session: SessionInfo }) {
  const { t, i18n } = useTranslation();
  const setSession = useSetSession();
  const done = () => {
    // The server's Clear-Site-Data also empties localStorage: keep the language the user chose.
    if (isLanguage(i18n.resolvedLanguage)) saveLanguage(i18n.resolvedLanguage);
    setSession.signedOut('signed_out');
  };
  const mutation = useMutation({
    mutationFn: signOut,
    onSuccess: done,
    // A session the server no longer knows is signed out as well; any other failure leaves it open.
    onError: (error) => {
      if (error instanceof ApiError && error.status === 401) done();
    },
  });
  const { user } = session;

  return (
    <div className="user-menu">
      <p className="user-menu__who">
        <span className="visually-hidden">{t('session.signedInAs')} </span>
        <span className="user-menu__name">{user.displayName}</span>
        <span className="user-menu__role">{t(`roles.${user.role}`)}</span>
      </p>
      <button
        type="button"
        className="button button--on-brand"
        onClick={() => mutation.mutate()}
        disabled={mutation.isPending}
      >
        {t('session.signOut')}
      </button>
      {mutation.isError && (
        <p className="user-menu__error" role="alert">
          {t('session.signOutFailed')}
        </p>
      )}
    </div>
  );
}
