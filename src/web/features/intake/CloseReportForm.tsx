import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REASON_MAX } from '../../../contract/cases.ts';
import { REPORT_OUTCOMES, type ReportOutcome, type TriageDetail } from '../../../contract/reports.ts';
import { TextArea } from '../../ui/TextArea.tsx';
import { TriageChangeError } from './TriageChangeError.tsx';
import { closeReport } from './triage-api.ts';
import { useTriageChange } from './useTriageChange.ts';

/** Closes a new report without a case: the outcome (kept for fairness statistics) and a reason, both required. */
export function CloseReportForm({ detail }: { detail: TriageDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [outcome, setOutcome] = useState<ReportOutcome | ''>('');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<{ outcome?: string; reason?: string }>({});
  const mutation = useTriageChange(
    detail,
    (expectedVersion, input: { outcome: ReportOutcome; reason: string }) =>
      closeReport(detail.id, { expectedVersion, ...input }),
    () => void client.invalidateQueries({ queryKey: ['triage', detail.id] }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      ...(outcome === '' ? { outcome: t('triage.close.chooseOutcome') } : {}),
      ...(reason.trim() === '' ? { reason: t('cases.workflow.reasonRequired') } : {}),
    };
    setProblems(found);
    if (outcome !== '' && found.reason === undefined) mutation.mutate({ outcome, reason: reason.trim() });
    else document.getElementById(found.outcome ? 'close-outcome' : 'close-reason')?.focus();
  };
  return (
    <section className="card" aria-labelledby="close-heading">
      <h3 id="close-heading">{t('triage.close.heading')}</h3>
      <p>{t('triage.close.intro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <TriageChangeError error={mutation.error} />
        <fieldset className="choices" aria-describedby={problems.outcome ? 'close-outcome-error' : undefined}>
          <legend>{t('triage.close.outcome')}</legend>
          {problems.outcome && (
            <p className="field__error" id="close-outcome-error">
              {problems.outcome}
            </p>
          )}
          {REPORT_OUTCOMES.map((value, i) => (
            <div key={value} className="choice choice--described">
              <input
                type="radio"
                id={i === 0 ? 'close-outcome' : `close-outcome-${value}`}
                name="close-outcome"
                value={value}
                checked={outcome === value}
                onChange={() => setOutcome(value)}
                aria-describedby={`close-outcome-${value}-hint`}
              />
              <div>
                <label htmlFor={i === 0 ? 'close-outcome' : `close-outcome-${value}`}>
                  {t(`triage.outcomes.${value}`)}
                </label>
                <p className="choice__hint" id={`close-outcome-${value}-hint`}>
                  {t(`triage.close.hints.${value}`)}
                </p>
              </div>
            </div>
          ))}
        </fieldset>
        <TextArea
          id="close-reason"
          label={t('triage.close.reason')}
          value={reason}
          onChange={setReason}
          error={problems.reason}
          maxLength={REASON_MAX}
          counted
          rows={3}
          required
        />
        <div className="form__actions">
          <button type="submit" className="button button--secondary" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('triage.close.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
