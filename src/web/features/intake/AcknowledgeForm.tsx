import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TriageDetail } from '../../../contract/reports.ts';
import { TextField } from '../../ui/TextField.tsx';
import { isDay, todayDay } from './days.ts';
import { TriageChangeError } from './TriageChangeError.tsx';
import { acknowledgeOutside, triageReportQuery } from './triage-api.ts';
import { useTriageChange } from './useTriageChange.ts';

/**
 * For a reporter who cannot read messages in TMA (a caller, a letter): the day the team acknowledged the report
 * to them by their own way, so the deadline counts as met.
 */
export function AcknowledgeForm({ detail }: { detail: TriageDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const today = todayDay();
  const [on, setOn] = useState(today);
  const [problem, setProblem] = useState<string | undefined>();
  const mutation = useTriageChange(
    detail,
    (expectedVersion, day: string) => acknowledgeOutside(detail.id, { expectedVersion, on: day }),
    (saved) => client.setQueryData(triageReportQuery(detail.id).queryKey, saved),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found =
      on === ''
        ? t('validation.required')
        : !isDay(on)
          ? t('intake.validation.day')
          : on > today
            ? t('intake.validation.future')
            : on < detail.receivedOn
              ? t('acknowledge.beforeReceived')
              : undefined;
    setProblem(found);
    if (found === undefined) mutation.mutate(on);
  };
  return (
    <section className="card" aria-labelledby="acknowledge-heading">
      <h2 id="acknowledge-heading">{t('acknowledge.heading')}</h2>
      <p>{t('acknowledge.intro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <TriageChangeError error={mutation.error} />
        <TextField
          id="acknowledge-on"
          type="date"
          label={t('acknowledge.on')}
          value={on}
          onChange={setOn}
          error={problem}
          min={detail.receivedOn}
          max={today}
          required
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('acknowledge.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
