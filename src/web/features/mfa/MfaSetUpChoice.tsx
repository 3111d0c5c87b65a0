import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../contract/accounts.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';

/**
 * The start of the required set-up: why it is needed, and the two ways to meet it (an authenticator app or a
 * passkey), each with what it takes. The other way can be added later from the profile.
 */
export function MfaSetUpChoice({
  user,
  error,
  appPending,
  onApp,
  onPasskey,
}: {
  user: SessionInfo['user'];
  /** Why starting the app's set-up failed, if it did. */
  error: unknown;
  appPending: boolean;
  onApp: () => void;
  onPasskey: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <p>{t('signInSetUp.why', { name: user.displayName, role: t(`roles.${user.role}`) })}</p>
      <p>{t('signInSetUp.choose')}</p>
      <ErrorAlert error={error} />
      <ul className="mfa-choices">
        <li className="mfa-choice">
          <h3>{t('signInSetUp.appHeading')}</h3>
          <p>{t('signInSetUp.need')}</p>
          <p>
            <button type="button" className="button" onClick={onApp} disabled={appPending}>
              {appPending ? t('common.working') : t('signInSetUp.start')}
            </button>
          </p>
        </li>
        <li className="mfa-choice">
          <h3>{t('signInSetUp.passkeyHeading')}</h3>
          <p>{t('signInSetUp.passkeyNeed')}</p>
          <p>
            <button type="button" className="button" onClick={onPasskey}>
              {t('signInSetUp.startPasskey')}
            </button>
          </p>
        </li>
      </ul>
    </>
  );
}
