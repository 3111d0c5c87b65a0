import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReporterAttachment } from '../../../contract/reports.ts';
import { useFileSize } from '../documents/useFileSize.ts';
import { useDay } from './useDay.ts';

/**
 * The files the reporter added (never the team's), and the way to add one while the report is open. Each is
 * dated to the day, as everything the anonymous channel keeps.
 */
export function ReporterFiles({
  attachments,
  addForm,
}: {
  attachments: readonly ReporterAttachment[];
  addForm: ReactNode;
}) {
  const { t } = useTranslation();
  const day = useDay();
  const size = useFileSize();
  return (
    <section className="card" aria-labelledby="reporter-files-heading">
      <h2 id="reporter-files-heading">{t('attachments.list.heading')}</h2>
      {attachments.length === 0 ? (
        <p className="muted">{t('attachments.list.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">{t('attachments.list.heading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('documents.versions.name')}</th>
                <th scope="col">{t('documents.facts.kind')}</th>
                <th scope="col">{t('documents.facts.size')}</th>
                <th scope="col">{t('attachments.list.addedOn')}</th>
              </tr>
            </thead>
            <tbody>
              {attachments.map((a, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the view names no ids; the server's order is stable.
                <tr key={i}>
                  <th scope="row">{a.name}</th>
                  <td>{a.kind.toUpperCase()}</td>
                  <td>{size(a.bytes)}</td>
                  <td>{day(a.addedOn)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {addForm}
    </section>
  );
}
