import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordReport, SubmittedReport } from '../../../contract/reports.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { todayDay } from './days.ts';
import { FormProblems } from './FormProblems.tsx';
import { FormStep } from './FormStep.tsx';
import { RecordFields } from './RecordFields.tsx';
import { ReportFields } from './ReportFields.tsx';
import {
  checkDraft,
  checkRecord,
  emptyDraft,
  emptyRecord,
  fieldsOf,
  type RecordDraft,
  type ReportDraft,
} from './report-draft.ts';
import { recordReport } from './triage-api.ts';
import { useProblemTexts } from './useProblemText.ts';
import { useReportSubmission } from './useReportSubmission.ts';

const FORM = 'record';

/**
 * A report the team received by phone, e-mail, letter or in person, recorded on the reporter's behalf: the same
 * content as the web form, plus the channel, the day it came in, and the original reporter (or none).
 */
export function RecordReportPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('record.title'));
  const client = useQueryClient();
  const navigate = useNavigate();
  const today = todayDay();
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [draft, setDraft] = useState<ReportDraft>(emptyDraft);
  const [record, setRecord] = useState<RecordDraft>(() => emptyRecord(today));
  const onRecorded = (report: SubmittedReport) => {
    void client.invalidateQueries({ queryKey: ['triage', 'list'] });
    void navigate({ to: '/triage/$reportId', params: { reportId: report.id } });
  };
  const { formRef, problems, mutation, submit, otherError } = useReportSubmission(FORM, recordReport, onRecorded);
  const errors = useProblemTexts(problems);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (mutation.isPending) return;
    const found = { ...checkRecord(record, today), ...checkDraft(draft, today, record.receivedOn) };
    submit(
      found,
      (): RecordReport => ({
        ...fieldsOf(draft),
        idempotencyKey,
        channel: record.channel === '' ? 'phone' : record.channel,
        receivedOn: record.receivedOn,
        reporter: record.anonymous ? null : { name: record.name, contact: record.contact, relation: record.relation },
      }),
    );
  };

  return (
    <section className="page" aria-labelledby="record-heading">
      <Heading id="record-heading">{t('record.heading')}</Heading>
      <p className="page__intro">{t('record.intro')}</p>
      <p className="page__next">
        <Link to="/triage">{t('triage.back')}</Link>
      </p>
      <form ref={formRef} className="report-form" onSubmit={onSubmit} noValidate>
        <FormProblems problems={problems} persons={draft.persons.length} />
        <FormStep id={`${FORM}-source-step`} number={1} total={5} title={t('record.sourceHeading')}>
          <RecordFields form={FORM} record={record} onChange={setRecord} errors={errors} today={today} />
        </FormStep>
        <ReportFields
          form={FORM}
          draft={draft}
          onChange={setDraft}
          errors={errors}
          today={today}
          mode="record"
          first={2}
          total={5}
        />
        <ErrorAlert error={otherError} messages={{ idempotency_conflict: t('intake.errors.idempotency') }} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('intake.sending') : t('record.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
