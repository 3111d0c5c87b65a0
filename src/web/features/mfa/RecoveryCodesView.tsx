import { useTranslation } from 'react-i18next';
import { Alert } from '../../ui/Alert.tsx';
import { CopyButton } from '../../ui/CopyButton.tsx';

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
  reason: 'enrolled' | 'renewed';
  onDone: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="mfa-codes">
      <Alert tone="success" focus focusKey={codes}>
        <p>{reason === 'enrolled' ? t('profile.mfa.codes.enrolled') : t('profile.mfa.codes.renewed')}</p>
      </Alert>
      <h3 id="recovery-codes-heading">{t('profile.mfa.codes.heading')}</h3>
      <p>{t('profile.mfa.codes.intro')}</p>
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
