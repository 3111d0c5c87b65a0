import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StepUpDownload } from '../session/StepUpDownload.tsx';
import { exportPdf } from './assessments-api.ts';

/**
 * A finalised assessment as a PDF, in German or English, with the persons of the case by their
 * pseudonyms, or by name for a reader whose scope holds their identities and who chooses so. The
 * server asks for the password again and records the export.
 */
export function ExportPdf({
  caseId,
  assessmentId,
  identitiesAllowed,
}: {
  caseId: string;
  assessmentId: string;
  identitiesAllowed: boolean;
}) {
  const { t, i18n } = useTranslation();
  const [language, setLanguage] = useState<'de' | 'en'>(i18n.language.startsWith('de') ? 'de' : 'en');
  const [identities, setIdentities] = useState(false);
  return (
    <section className="card" aria-labelledby="as-export-heading">
      <h2 id="as-export-heading">{t('assessments.export.heading')}</h2>
      <p className="form__note">{t('assessments.export.intro')}</p>
      <fieldset className="field">
        <legend>{t('assessments.export.language')}</legend>
        {(['de', 'en'] as const).map((l) => (
          <label key={l} className="choice">
            <input type="radio" name="as-export-language" checked={language === l} onChange={() => setLanguage(l)} />{' '}
            {t(`assessments.export.languages.${l}`)}
          </label>
        ))}
      </fieldset>
      {identitiesAllowed && (
        <p>
          <label className="choice">
            <input type="checkbox" checked={identities} onChange={(e) => setIdentities(e.target.checked)} />{' '}
            {t('assessments.export.identities')}
          </label>
        </p>
      )}
      <StepUpDownload
        label={t('assessments.export.button')}
        done={t('assessments.export.done')}
        fallbackName="assessment.pdf"
        download={() =>
          exportPdf(caseId, assessmentId, { language, identities: identities && identitiesAllowed ? 'true' : 'false' })
        }
      />
    </section>
  );
}
