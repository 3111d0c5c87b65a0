import { Link } from '@tanstack/react-router';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportReceipt } from '../../../contract/reports.ts';
import { Alert } from '../../ui/Alert.tsx';
import { CopyButton } from '../../ui/CopyButton.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { AttachmentResults } from './AttachmentResults.tsx';
import { receiptGroups } from './receipt.ts';
import type { UploadItem } from './useAttachmentUploads.ts';
import { useDay } from './useDay.ts';

/**
 * The receipt of an anonymous report, shown this once: it is the reporter's only way back to the report, and
 * only its hash is stored, so nobody can look it up again. It lives in this page's memory only (never in
 * storage or the URL); the heading takes focus, as the form it replaces is gone. Below it, what became of the
 * files sent with the report; one that was not added can be added later with the receipt.
 */
export function ReceiptView({ receipt, uploads }: { receipt: ReportReceipt; uploads: readonly UploadItem[] }) {
  const { t } = useTranslation();
  const day = useDay();
  const groups = receiptGroups(receipt.receipt);
  return (
    <section className="page page--narrow" aria-labelledby="receipt-heading">
      <Heading id="receipt-heading" focus>
        {t('receipt.heading')}
      </Heading>
      <p className="page__intro">{t('receipt.intro', { day: day(receipt.acknowledgeBy) })}</p>
      <section className="card receipt" aria-labelledby="receipt-code-label">
        <h2 id="receipt-code-label">{t('receipt.codeLabel')}</h2>
        <p className="receipt__code" translate="no">
          {groups.map((group, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the groups are positions of one fixed code.
            <Fragment key={i}>
              {i > 0 && ' '}
              <span className="receipt__group">{group}</span>
            </Fragment>
          ))}
        </p>
        <CopyButton
          text={receipt.receipt}
          label={t('receipt.copy')}
          copiedText={t('receipt.copied')}
          failedText={t('receipt.copyFailed')}
        />
      </section>
      <Alert tone="warning" title={t('receipt.keepTitle')}>
        <p>{t('receipt.keep')}</p>
        <p>{t('receipt.noRecovery')}</p>
      </Alert>
      <AttachmentResults
        items={uploads}
        later={
          <p>
            {t('attachments.results.laterAnonymous')} <Link to="/report/status">{t('receipt.statusLink')}</Link>
          </p>
        }
      />
      <p>
        {t('receipt.later')} <Link to="/report/status">{t('receipt.statusLink')}</Link>
      </p>
    </section>
  );
}
