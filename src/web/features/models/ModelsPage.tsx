import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { ModelSummary } from '../../../contract/models/registry.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useSignedInSession } from '../session/useSession.ts';
import { ImportModelForm } from './ImportModelForm.tsx';
import { modelsQuery } from './models-api.ts';
import { useModelText } from './useModelText.ts';

/** The registry of assessment models (docs/models.md): every version the caller may see; administrators import here. */
export function ModelsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('models.title'));
  const { user } = useSignedInSession();
  const models = useQuery(modelsQuery);
  return (
    <section className="page" aria-labelledby="models-heading">
      <Heading id="models-heading">{t('models.heading')}</Heading>
      <p className="page__intro">{t('models.intro')}</p>
      {user.role === 'admin' && <ImportModelForm />}
      <section className="card" aria-labelledby="models-list-heading">
        <h2 id="models-list-heading">{t('models.list.heading')}</h2>
        {models.isPending && <p>{t('common.loading')}</p>}
        {models.isError && <ErrorAlert error={models.error} />}
        {models.isSuccess &&
          (models.data.models.length === 0 ? (
            <p>{t('models.list.empty')}</p>
          ) : (
            <ModelsTable models={models.data.models} />
          ))}
      </section>
    </section>
  );
}

function ModelsTable({ models }: { models: readonly ModelSummary[] }) {
  const { t } = useTranslation();
  const text = useModelText();
  const dateTime = useDateTime();
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">{t('models.list.caption', { count: models.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('models.list.model')}</th>
            <th scope="col">{t('models.list.version')}</th>
            <th scope="col">{t('models.list.status')}</th>
            <th scope="col">{t('models.list.dates')}</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <tr key={`${m.key}@${m.version}`}>
              <th scope="row">
                <Link to="/models/$key" params={{ key: m.key }} search={{ version: m.version }}>
                  {text(m.title)}
                </Link>
                <span className="table__sub">{m.key}</span>
              </th>
              <td>{m.version}</td>
              <td>
                {t(`models.status.${m.status}`)}
                {m.unfilled.length > 0 && (
                  <span className="table__sub">{t('models.list.unfilled', { count: m.unfilled.length })}</span>
                )}
              </td>
              <td>
                {t('models.list.imported', { at: dateTime(m.importedAt) })}
                {m.publishedAt !== null && (
                  <span className="table__sub">{t('models.list.published', { at: dateTime(m.publishedAt) })}</span>
                )}
                {m.retiredAt !== null && (
                  <span className="table__sub">{t('models.list.retired', { at: dateTime(m.retiredAt) })}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
