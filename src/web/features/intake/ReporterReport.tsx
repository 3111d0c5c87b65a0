import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReporterView } from '../../../contract/reports.ts';
import { MessageThread } from './MessageThread.tsx';
import { ReportContentView } from './ReportContentView.tsx';
import { ReporterFiles } from './ReporterFiles.tsx';
import { ReporterStatusBadge } from './ReporterStatusBadge.tsx';
import { useDay } from './useDay.ts';

/**
 * What a reporter sees of their report, by receipt or signed in: the coarse status, the messages, the files they
 * added, and what they wrote. `messageForm` is the way to write to the team, `fileForm` to add a file; a closed
 * report takes no more files (the server refuses them), so it says so instead.
 */
export function ReporterReport({
  view,
  messageForm,
  fileForm,
}: {
  view: ReporterView;
  messageForm: ReactNode;
  fileForm: ReactNode;
}) {
  const { t } = useTranslation();
  const day = useDay();
  return (
    <>
      <section className="card" aria-labelledby="reporter-status-heading">
        <h2 id="reporter-status-heading">{t('reporter.statusHeading')}</h2>
        <dl className="case-facts">
          <div>
            <dt>{t('reporter.reference')}</dt>
            <dd>{view.reference}</dd>
          </div>
          <div>
            <dt>{t('reporter.receivedOn')}</dt>
            <dd>{day(view.receivedOn)}</dd>
          </div>
          <div>
            <dt>{t('reporter.status.label')}</dt>
            <dd>
              <ReporterStatusBadge status={view.status} />
            </dd>
          </div>
        </dl>
        <p>{t(`reporter.statusText.${view.status}`)}</p>
      </section>
      <section className="card" aria-labelledby="reporter-messages-heading">
        <h2 id="reporter-messages-heading">{t('messages.heading')}</h2>
        <MessageThread messages={view.messages} viewer="reporter" />
      </section>
      {messageForm}
      <ReporterFiles
        attachments={view.attachments}
        addForm={view.status === 'closed' ? <p>{t('attachments.failure.closed')}</p> : fileForm}
      />
      <section className="card" aria-labelledby="reporter-content-heading">
        <h2 id="reporter-content-heading">{t('reporter.contentHeading')}</h2>
        <ReportContentView content={view.content} audience="reporter" />
      </section>
    </>
  );
}
