import { useTranslation } from 'react-i18next';
import { fieldId } from './report-draft.ts';

/**
 * What happens to the report, before it is sent, and the required consent. Anonymously: what TMA does not keep
 * (no address, no browser data, only the day), and that the reporter's own name in the text would undo that.
 */
export function PrivacyConsent({
  form,
  anonymous,
  checked,
  onChange,
  error,
}: {
  form: string;
  anonymous: boolean;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error: string | undefined;
}) {
  const { t } = useTranslation();
  const id = fieldId(form, 'consent');
  const notice = anonymous
    ? [t('intake.privacy.anonymous.stored'), t('intake.privacy.anonymous.name'), t('intake.privacy.anonymous.receipt')]
    : [t('intake.privacy.employee.named'), t('intake.privacy.employee.follow')];
  return (
    <>
      <div className="privacy-notice" id={`${id}-notice`}>
        {notice.map((text) => (
          <p key={text}>{text}</p>
        ))}
        <p>{t('intake.privacy.sealed')}</p>
      </div>
      <div className={`field${error ? ' field--invalid' : ''}`}>
        {error && (
          <p className="field__error" id={`${id}-error`}>
            {error}
          </p>
        )}
        <label className="choice">
          <input
            type="checkbox"
            id={id}
            checked={checked}
            onChange={(event) => onChange(event.target.checked)}
            aria-describedby={error ? `${id}-error` : undefined}
            aria-invalid={error ? true : undefined}
            required
          />
          {t('intake.privacy.consent')}
        </label>
      </div>
    </>
  );
}
