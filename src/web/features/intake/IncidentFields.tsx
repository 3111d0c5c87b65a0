import { useTranslation } from 'react-i18next';
import { REPORT_LIMITS } from '../../../contract/reports.ts';
import { TextArea } from '../../ui/TextArea.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { type FormMode, fieldId, type ReportDraft } from './report-draft.ts';

type IncidentValues = Pick<ReportDraft, 'whatHappened' | 'incidentDate' | 'whenDetail' | 'location'>;

/** What happened (the one required text), on which day, when more exactly, and where. */
export function IncidentFields({
  form,
  values,
  onChange,
  errors,
  today,
  mode,
}: {
  form: string;
  values: IncidentValues;
  onChange: (values: Partial<IncidentValues>) => void;
  errors: Readonly<Record<string, string>>;
  today: string;
  mode: FormMode;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextArea
        id={fieldId(form, 'whatHappened')}
        label={t('intake.what.whatHappened')}
        hint={
          mode === 'anonymous'
            ? t('intake.what.whatHappenedHintAnonymous')
            : mode === 'record'
              ? t('intake.what.whatHappenedHintRecorded')
              : t('intake.what.whatHappenedHint')
        }
        value={values.whatHappened}
        onChange={(whatHappened) => onChange({ whatHappened })}
        error={errors.whatHappened}
        maxLength={REPORT_LIMITS.whatHappened}
        counted
        rows={8}
        required
      />
      <TextField
        id={fieldId(form, 'incidentDate')}
        type="date"
        label={t('intake.what.incidentDate')}
        hint={t('intake.what.incidentDateHint')}
        value={values.incidentDate}
        onChange={(incidentDate) => onChange({ incidentDate })}
        error={errors.incidentDate}
        max={today}
      />
      <TextField
        id={fieldId(form, 'whenDetail')}
        label={t('intake.what.whenDetail')}
        hint={t('intake.what.whenDetailHint')}
        value={values.whenDetail}
        onChange={(whenDetail) => onChange({ whenDetail })}
        error={errors.whenDetail}
        maxLength={REPORT_LIMITS.whenDetail}
        counted
      />
      <TextField
        id={fieldId(form, 'location')}
        label={t('intake.what.location')}
        hint={t('intake.what.locationHint')}
        value={values.location}
        onChange={(location) => onChange({ location })}
        error={errors.location}
        maxLength={REPORT_LIMITS.location}
        counted
      />
    </>
  );
}
