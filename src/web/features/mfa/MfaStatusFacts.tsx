import { useTranslation } from 'react-i18next';
import type { MfaStatus } from '../../../contract/mfa.ts';
import { Alert } from '../../ui/Alert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';

/** Below this many recovery codes, the user is asked to make new ones. */
const FEW_CODES_LEFT = 3;

/**
 * Whether two-factor authentication is on (an app or a passkey), since when the app is set up, and how many
 * recovery codes are left. The passkeys have a list of their own.
 */
export function MfaStatusFacts({ status }: { status: MfaStatus }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const { enrolled, enrolledAt } = status.totp;
  const left = status.recoveryCodesLeft;
  const on = enrolled || status.passkeys.length > 0;

  return (
    <>
      <dl className="facts">
        <div>
          <dt>{t('profile.mfa.status')}</dt>
          <dd>
            {on ? (
              <span className="badge badge--ok">{t('profile.mfa.on')}</span>
            ) : (
              <span className="badge badge--neutral">{t('profile.mfa.off')}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('profile.mfa.app')}</dt>
          <dd>
            {enrolled && enrolledAt !== null
              ? t('profile.mfa.appSince', { time: dateTime(enrolledAt) })
              : enrolled
                ? t('profile.mfa.appSet')
                : on
                  ? t('profile.mfa.appNoneButPasskeys')
                  : t('profile.mfa.appNone')}
          </dd>
        </div>
        {on && (
          <div>
            <dt>{t('profile.mfa.recoveryCodes')}</dt>
            <dd>{t('profile.mfa.recoveryCodesLeft', { count: left })}</dd>
          </div>
        )}
      </dl>
      {on && left < FEW_CODES_LEFT && (
        <Alert tone="warning">
          <p>{t('profile.mfa.fewCodesLeft', { count: left })}</p>
        </Alert>
      )}
    </>
  );
}
