import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Heading } from '../../ui/Heading.tsx';
import { TwoFactorSection } from '../mfa/TwoFactorSection.tsx';
import { useSignedInSession } from '../session/useSession.ts';
import { SsoProfileSection } from '../sso/SsoProfileSection.tsx';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';
import { MySessions } from './MySessions.tsx';

export function ProfilePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('profile.title'));
  const { user } = useSignedInSession();

  return (
    <section className="page" aria-labelledby="profile-heading">
      <Heading id="profile-heading">{t('profile.heading')}</Heading>
      <section className="card" aria-labelledby="profile-account-heading">
        <h2 id="profile-account-heading">{t('profile.account')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('common.displayName')}</dt>
            <dd>{user.displayName}</dd>
          </div>
          <div>
            <dt>{t('common.email')}</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt>{t('common.role')}</dt>
            <dd>
              {t(`roles.${user.role}`)}
              {user.expertise !== null && ` (${t(`expertise.${user.expertise}`)})`}
            </dd>
          </div>
        </dl>
      </section>
      <ChangePasswordForm email={user.email} />
      <TwoFactorSection />
      <SsoProfileSection />
      <MySessions />
    </section>
  );
}
