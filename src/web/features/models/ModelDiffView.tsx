import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { diffQuery } from './models-api.ts';

/** What changed from the older version to the newer, part by part, and whether the newer one's migration map fits. */
export function ModelDiffView({ modelKey, older, newer }: { modelKey: string; older: string; newer: string }) {
  const { t } = useTranslation();
  const diff = useQuery(diffQuery(modelKey, older, newer));
  if (diff.isPending) return <p>{t('common.loading')}</p>;
  if (diff.isError) return <ErrorAlert error={diff.error} />;
  const { changes, migration } = diff.data;
  return (
    <div>
      <h3>{t('models.compare.title', { older, newer })}</h3>
      {changes.length === 0 ? (
        <p>{t('models.compare.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">{t('models.compare.caption', { count: changes.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('models.compare.part')}</th>
                <th scope="col">{t('models.compare.key')}</th>
                <th scope="col">{t('models.compare.change')}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={`${c.part}-${c.key}`}>
                  <td>{t(`models.part.${c.part}`)}</td>
                  <th scope="row">{c.key}</th>
                  <td>
                    {t(`models.change.${c.change}`)}
                    {c.fields.length > 0 && <span className="table__sub">{c.fields.join(', ')}</span>}
                    {c.mappedTo !== undefined && (
                      <span className="table__sub">
                        {t('models.compare.mappedTo', { keys: c.mappedTo.join(', ') })}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {migration.length === 0 ? (
        <p>{t('models.compare.mapFits')}</p>
      ) : (
        <ul>
          {migration.map((p) => (
            <li key={`${p.field}-${p.message}`}>{`${p.field}: ${p.message}`}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
