import { useTranslation } from 'react-i18next';
import { Alert } from '../../ui/Alert.tsx';
import { CopyButton } from '../../ui/CopyButton.tsx';

export type RecoveryCodesReason = 'enrolled' | 'renewed' | 'passkey';

const NEWS = {
  enrolled: 'profile.mfa.codes.enrolled',
  renewed: 'profile.mfa.codes.renewed',
  passkey: 'profile.mfa.codes.enrolledPasskey',
} as const;

/**
 * The ten recovery codes, shown this once (the server keeps only their digests): focused with the news of what
 * happened, a clear word that they will not be shown again, and a way to copy them all.
 */
export function RecoveryCodesView({
  codes,
  reason,
  onDone,
}: {
  codes: readonly string[];
  /** What brought them: the app set up, new codes asked for, or a passkey as the account's first second factor. */
  reason: RecoveryCodesReason;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="mfa-codes">
      <Alert tone="success" focus focusKey={codes}>
        <p>{t(NEWS[reason])}</p>
      </Alert>
      <h3 id="recovery-codes-heading">{t('profile.mfa.codes.heading')}</h3>
      <p>{reason === 'passkey' ? t('profile.mfa.codes.introPasskey') : t('profile.mfa.codes.intro')}</p>
      <Alert tone="warning">
        <p>{t('profile.mfa.codes.once')}</p>
      </Alert>
      <ol className="recovery-codes" aria-labelledby="recovery-codes-heading">
        {codes.map((code) => (
          <li key={code}>
            <code className="recovery-codes__code">{code}</code>
          </li>
        ))}
      </ol>
      <p>
        <CopyButton
          text={codes.join('\n')}
          label={t('profile.mfa.codes.copy')}
          copiedText={t('profile.mfa.codes.copied')}
          failedText={t('profile.mfa.codes.copyFailed')}
        />
      </p>
      <p>
        <button type="button" className="button" onClick={onDone}>
          {t('profile.mfa.codes.done')}
        </button>
      </p>
    </div>
  );
}
