import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useCodeLabels } from '../audit/labels.ts';
import { accessLogQuery } from './cases-api.ts';

/** Who opened which part of the case and did what, newest first; a break-glass with its stated purpose. */
export function AccessLogSection({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const when = useDateTime({ seconds: true });
  const labels = useCodeLabels();
  const log = useQuery(accessLogQuery(caseId));
  return (
    <section className="card" aria-labelledby="access-log-heading">
      <h2 id="access-log-heading">{t('cases.accessLog.heading')}</h2>
      <p>{t('cases.accessLog.intro')}</p>
      {log.isPending && <p>{t('common.loading')}</p>}
      {log.isError && <ErrorAlert error={log.error} />}
      {log.data !== undefined && (
        <div className="table-scroll">
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col">{t('cases.accessLog.when')}</th>
                <th scope="col">{t('cases.accessLog.who')}</th>
                <th scope="col">{t('cases.accessLog.what')}</th>
                <th scope="col">{t('cases.accessLog.part')}</th>
                <th scope="col">{t('cases.accessLog.purpose')}</th>
              </tr>
            </thead>
            <tbody>
              {log.data.entries.map((entry) => (
                <tr key={entry.id}>
                  <td>{when(entry.at)}</td>
                  <td>{entry.actor?.displayName ?? '—'}</td>
                  <td>
                    {labels.action(entry.action)}
                    {entry.outcome !== 'allowed' && (
                      <>
                        {' '}
                        <span className="badge badge--error">{t(`audit.outcome.${entry.outcome}`)}</span>
                      </>
                    )}
                  </td>
                  <td>{entry.part === null ? '—' : t(`cases.accessLog.parts.${entry.part}`, entry.part)}</td>
                  <td className="case-text">{entry.purpose ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
