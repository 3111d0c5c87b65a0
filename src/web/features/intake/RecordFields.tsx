import { useTranslation } from 'react-i18next';
import { ON_BEHALF_CHANNELS, REPORT_LIMITS } from '../../../contract/reports.ts';
import { TextField } from '../../ui/TextField.tsx';
import { fieldId, type RecordDraft } from './report-draft.ts';

/**
 * What only a report recorded for a caller has: how and on which day it came in, and who reported it, unless they
 * would not say (then nothing about them is stored).
 */
export function RecordFields({
  form,
  record,
  onChange,
  errors,
  today,
}: {
  form: string;
  record: RecordDraft;
  onChange: (record: RecordDraft) => void;
  errors: Readonly<Record<string, string>>;
  today: string;
}) {
  const { t } = useTranslation();
  const channelId = fieldId(form, 'channel');
  const set = (change: Partial<RecordDraft>) => onChange({ ...record, ...change });
  return (
    <>
      <fieldset className="choices" aria-describedby={errors.channel ? `${channelId}-error` : undefined}>
        <legend>{t('record.channel')}</legend>
        {errors.channel && (
          <p className="field__error" id={`${channelId}-error`}>
            {errors.channel}
          </p>
        )}
        {ON_BEHALF_CHANNELS.map((channel, i) => (
          <label key={channel} className="choice">
            <input
              type="radio"
              id={i === 0 ? channelId : `${channelId}-${channel}`}
              name={channelId}
              value={channel}
              checked={record.channel === channel}
              onChange={() => set({ channel })}
            />
            {t(`triage.channels.${channel}`)}
          </label>
        ))}
      </fieldset>
      <TextField
        id={fieldId(form, 'receivedOn')}
        type="date"
        label={t('record.receivedOn')}
        hint={t('record.receivedOnHint')}
        value={record.receivedOn}
        onChange={(receivedOn) => set({ receivedOn })}
        error={errors.receivedOn}
        max={today}
        required
      />
      <fieldset className="form__group">
        <legend>{t('record.reporter')}</legend>
        <p className="form__group-intro">{t('record.reporterIntro')}</p>
        <label className="choice">
          <input
            type="checkbox"
            id={fieldId(form, 'reporter.anonymous')}
            checked={record.anonymous}
            onChange={(event) => set({ anonymous: event.target.checked })}
          />
          {t('record.anonymous')}
        </label>
        {!record.anonymous && (
          <>
            <TextField
              id={fieldId(form, 'reporter.name')}
              label={t('record.name')}
              value={record.name}
              onChange={(name) => set({ name })}
              error={errors['reporter.name']}
              maxLength={REPORT_LIMITS.personField}
              autoComplete="off"
              counted
              required
            />
            <TextField
              id={fieldId(form, 'reporter.contact')}
              label={t('record.contact')}
              hint={t('intake.persons.contactHint')}
              value={record.contact}
              onChange={(contact) => set({ contact })}
              error={errors['reporter.contact']}
              maxLength={REPORT_LIMITS.personField}
              autoComplete="off"
              counted
            />
            <TextField
              id={fieldId(form, 'reporter.relation')}
              label={t('record.relation')}
              hint={t('record.relationHint')}
              value={record.relation}
              onChange={(relation) => set({ relation })}
              error={errors['reporter.relation']}
              maxLength={REPORT_LIMITS.personField}
              autoComplete="off"
              counted
            />
          </>
        )}
      </fieldset>
    </>
  );
}
