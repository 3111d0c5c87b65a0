import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportReceipt } from '../../../contract/reports.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { useSession } from '../session/useSession.ts';
import { attachByReceipt } from './attachments-api.ts';
import { submitAnonymous } from './intake-api.ts';
import { ReceiptView } from './ReceiptView.tsx';
import { SubmitReportForm } from './SubmitReportForm.tsx';
import { useAttachmentUploads } from './useAttachmentUploads.ts';

/**
 * The public report page: anyone may report a concern without signing in. After sending, the receipt replaces
 * the form; it is held in this component's state only and is gone when the page is left. The files chosen go
 * then, one by one, with the receipt (held by the sending loop, likewise in memory only).
 */
export function ReportPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('intake.title'));
  const session = useSession();
  const [receipt, setReceipt] = useState<ReportReceipt | undefined>();
  const uploads = useAttachmentUploads();
  if (receipt !== undefined) return <ReceiptView receipt={receipt} uploads={uploads.items} />;
  return (
    <section className="page" aria-labelledby="report-heading">
      <Heading id="report-heading">{t('intake.heading')}</Heading>
      <p className="page__intro">{t('intake.intro')}</p>
      <p className="page__intro">
        {t('intake.statusHint')} <Link to="/report/status">{t('intake.statusLink')}</Link>
      </p>
      {session?.status === 'signed-in' && (
        <Alert tone="info">
          <p>
            {t('intake.signedInHint')} <Link to="/reports/new">{t('intake.signedInLink')}</Link>
          </p>
        </Alert>
      )}
      <SubmitReportForm
        anonymous
        send={submitAnonymous}
        onSubmitted={(stored, files) => {
          setReceipt(stored);
          void uploads.start(files, (file, signal) => attachByReceipt(stored.receipt, file, signal));
        }}
      />
    </section>
  );
}
