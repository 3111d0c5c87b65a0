import { useTranslation } from 'react-i18next';
import { CopyButton } from '../../ui/CopyButton.tsx';

/** "JBSW Y3DP EHPK 3PXP": the base32 key in groups of four, easier to read and type. */
export const groupsOfFour = (secret: string) => (secret.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).join(' ');

/** The key for typing into the app by hand: read-only and selectable, with a copy button (copying it whole). */
export function SecretKeyBox({ secret }: { secret: string }) {
  const { t } = useTranslation();
  return (
    <div className="one-time-link">
      <label className="field__label" htmlFor="totp-secret">
        {t('profile.mfa.enrol.secretLabel')}
      </label>
      <p className="field__hint" id="totp-secret-hint">
        {t('profile.mfa.enrol.secretHint')}
      </p>
      <div className="one-time-link__row">
        <input
          id="totp-secret"
          className="field__input one-time-link__url mfa-secret"
          type="text"
          readOnly
          value={groupsOfFour(secret)}
          aria-describedby="totp-secret-hint"
          spellCheck={false}
          onFocus={(event) => event.target.select()}
        />
        <CopyButton
          text={secret.replace(/\s+/g, '')}
          label={t('profile.mfa.enrol.copySecret')}
          copiedText={t('profile.mfa.enrol.secretCopied')}
          failedText={t('profile.mfa.enrol.secretCopyFailed')}
        />
      </div>
    </div>
  );
}
