import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SubmitReport } from '../../../contract/reports.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { AttachmentPicker } from './AttachmentPicker.tsx';
import { todayDay } from './days.ts';
import { FormProblems } from './FormProblems.tsx';
import { FormStep } from './FormStep.tsx';
import type { SendProgress } from './intake-api.ts';
import { PrivacyConsent } from './PrivacyConsent.tsx';
import { ReportFields } from './ReportFields.tsx';
import { checkDraft, emptyDraft, fieldsOf, type Problems, type ReportDraft } from './report-draft.ts';
import type { ChosenFile } from './useAttachmentUploads.ts';
import { useProblemTexts } from './useProblemText.ts';
import { useReportSubmission } from './useReportSubmission.ts';

const FORM = 'report';

/**
 * The report form of the web channel, anonymous or signed in (`send` decides where it goes). Its idempotency key
 * is made once per form: a double click or a retry after a lost answer stores one report (and, anonymously,
 * gives the same receipt). While the browser solves the anonymous channel's flood challenge, a status says so;
 * the form stays as typed. The files chosen are not sent with it: `onSubmitted` gets them, to send once the
 * report is stored (an attachment needs the report, or its receipt).
 */
export function SubmitReportForm<R>({
  anonymous,
  send,
  onSubmitted,
}: {
  anonymous: boolean;
  send: (body: SubmitReport, progress: SendProgress) => Promise<R>;
  onSubmitted: (result: R, files: readonly ChosenFile[]) => void;
}) {
  const { t } = useTranslation();
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [draft, setDraft] = useState<ReportDraft>(emptyDraft);
  const [consent, setConsent] = useState(false);
  const [files, setFiles] = useState<readonly ChosenFile[]>([]);
  const [checking, setChecking] = useState(false);
  // Leaving the page stops a challenge still being solved: nobody would see its report sent.
  const leave = useRef<AbortController | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    leave.current = controller;
    return () => controller.abort();
  }, []);
  // The files travel with the attempt that stored the report: those chosen when it was sent.
  const { formRef, problems, mutation, submit, otherError } = useReportSubmission(
    FORM,
    ({ body, chosen }: { body: SubmitReport; chosen: readonly ChosenFile[] }) =>
      send(body, { onChecking: setChecking, signal: leave.current?.signal }).then((result) => ({ result, chosen })),
    ({ result, chosen }) => onSubmitted(result, chosen),
  );
  const errors = useProblemTexts(problems);
  const today = todayDay();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (mutation.isPending) return;
    const found: Problems = {
      ...checkDraft(draft, today),
      ...(consent ? {} : { consent: { key: 'intake.validation.consent' } }),
    };
    submit(found, () => ({ body: { ...fieldsOf(draft), idempotencyKey, consent: true }, chosen: files }));
  };

  return (
    <form ref={formRef} className="report-form" onSubmit={onSubmit} noValidate>
      <FormProblems problems={problems} persons={draft.persons.length} />
      <ReportFields
        form={FORM}
        draft={draft}
        onChange={setDraft}
        errors={errors}
        today={today}
        mode={anonymous ? 'anonymous' : 'employee'}
        first={1}
        total={6}
      />
      <FormStep
        id={`${FORM}-files-step`}
        number={5}
        total={6}
        title={t('attachments.heading')}
        intro={t('attachments.intro')}
      >
        <AttachmentPicker id={`${FORM}-files`} files={files} onChange={setFiles} anonymous={anonymous} />
      </FormStep>
      <FormStep id={`${FORM}-send-step`} number={6} total={6} title={t('intake.privacy.heading')}>
        <PrivacyConsent
          form={FORM}
          anonymous={anonymous}
          checked={consent}
          onChange={setConsent}
          error={errors.consent}
        />
        {/* Always present, so that screen readers announce the text when it appears. */}
        <div role="status" className={checking ? 'alert alert--info' : 'visually-hidden'}>
          {checking && (
            <div className="alert__body">
              <p>{t('intake.floodCheck')}</p>
            </div>
          )}
        </div>
        <ErrorAlert
          error={otherError}
          messages={{
            idempotency_conflict: t('intake.errors.idempotency'),
            challenge_required: t('intake.errors.flood'),
          }}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('intake.sending') : t('intake.submit')}
          </button>
        </div>
      </FormStep>
    </form>
  );
}
