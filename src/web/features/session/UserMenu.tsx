import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../contract/accounts.ts';
import { useSignOut } from './useSignOut.ts';

/** Who is signed in (name and role) and the sign-out button, in the header. */
export function UserMenu({ session }: { session: SessionInfo }) {
  const { t } = useTranslation();
  const mutation = useSignOut();
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
