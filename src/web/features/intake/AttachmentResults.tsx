import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFileSize } from '../documents/useFileSize.ts';
import type { UploadItem, UploadStatus } from './useAttachmentUploads.ts';
import { useUploadFailure } from './useUploadFailure.ts';

/**
 * What became of each file sent after the report: waiting, being added, stored, or not added and why. A status
 * line (announced as it changes) sums it up; if any failed, `later` says where to add it again.
 */
export function AttachmentResults({ items, later }: { items: readonly UploadItem[]; later: ReactNode }) {
  const { t } = useTranslation();
  const size = useFileSize();
  if (items.length === 0) return null;
  const stored = items.filter((i) => i.status.state === 'stored').length;
  const failed = items.filter((i) => i.status.state === 'failed').length;
  const finished = stored + failed === items.length;
  const summary = !finished
    ? t('attachments.results.sending', { done: stored + failed, total: items.length })
    : failed === 0
      ? t('attachments.results.allStored', { count: items.length })
      : t('attachments.results.someFailed', { stored, total: items.length });
  return (
    <section className="card" aria-labelledby="upload-results-heading">
      <h2 id="upload-results-heading">{t('attachments.results.heading')}</h2>
      <ul className="file-list">
        {items.map((item) => (
          <li key={item.key} className="file-list__item">
            <span className="file-list__name">{item.name}</span>
            <span className="muted">{size(item.bytes)}</span>
            <StatusText status={item.status} />
          </li>
        ))}
      </ul>
      <p role="status">{summary}</p>
      {finished && failed > 0 && later}
    </section>
  );
}

function StatusText({ status }: { status: UploadStatus }) {
  const { t } = useTranslation();
  const failure = useUploadFailure();
  switch (status.state) {
    case 'waiting':
      return <span className="badge badge--neutral">{t('attachments.results.waiting')}</span>;
    case 'sending':
      return <span className="badge badge--brand">{t('attachments.results.adding')}</span>;
    case 'stored':
      return <span className="badge badge--ok">{t('attachments.results.stored')}</span>;
    case 'failed':
      return (
        <span className="file-list__failure">
          <span className="badge badge--error">{t('attachments.results.notAdded')}</span> {failure(status.error)}
        </span>
      );
  }
}
