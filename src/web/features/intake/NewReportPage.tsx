import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SubmittedReport } from '../../../contract/reports.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Heading } from '../../ui/Heading.tsx';
import { AttachmentResults } from './AttachmentResults.tsx';
import { attachToMyReport } from './attachments-api.ts';
import { submitReport } from './intake-api.ts';
import { SubmitReportForm } from './SubmitReportForm.tsx';
import { useAttachmentUploads } from './useAttachmentUploads.ts';
import { useDay } from './useDay.ts';

/**
 * A signed-in employee's report, under their name: followed afterwards under "My reports". Its files are sent
 * once it is stored, as documents of the report, their metadata removed.
 */
export function NewReportPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('intake.employeeTitle'));
  const client = useQueryClient();
  const day = useDay();
  const [sent, setSent] = useState<SubmittedReport | undefined>();
  const uploads = useAttachmentUploads();
  if (sent !== undefined) {
    return (
      <section className="page page--narrow" aria-labelledby="report-sent-heading">
        <Heading id="report-sent-heading" focus>
          {t('intake.sent.heading')}
        </Heading>
        <p>{t('intake.sent.body', { reference: sent.reference, day: day(sent.receivedOn) })}</p>
        <p>{t('intake.sent.acknowledge', { day: day(sent.acknowledgeBy) })}</p>
        <AttachmentResults items={uploads.items} later={<p>{t('attachments.results.laterSignedIn')}</p>} />
        <p>
          <Link to="/reports/$reportId" params={{ reportId: sent.id }}>
            {t('intake.sent.open', { reference: sent.reference })}
          </Link>
        </p>
      </section>
    );
  }
  return (
    <section className="page" aria-labelledby="report-heading">
      <Heading id="report-heading">{t('intake.employeeHeading')}</Heading>
      <p className="page__intro">{t('intake.employeeIntro')}</p>
      <SubmitReportForm
        anonymous={false}
        send={submitReport}
        onSubmitted={(report, files) => {
          void client.invalidateQueries({ queryKey: ['reports', 'mine'] });
          setSent(report);
          void uploads.start(files, (file, signal) => attachToMyReport(report.id, file, signal));
        }}
      />
    </section>
  );
}
