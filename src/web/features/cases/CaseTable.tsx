import { useTranslation } from 'react-i18next';
import type { CaseSummary } from '../../../contract/cases.ts';
import { useDateTime } from '../../ui/useDateTime.ts';
import { CaseReferenceCell, CaseStateCells } from './CaseCells.tsx';

/** The case list; a title the reader's scope does not hold is shown as withheld, never guessed at. */
export function CaseTable({ cases }: { cases: readonly CaseSummary[] }) {
  const { t } = useTranslation();
  const when = useDateTime();
  if (cases.length === 0) return <p>{t('cases.list.empty')}</p>;
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">{t('cases.list.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('cases.fields.reference')}</th>
            <th scope="col">{t('cases.fields.title')}</th>
            <th scope="col">{t('cases.fields.status')}</th>
            <th scope="col">{t('cases.fields.priority')}</th>
            <th scope="col">{t('cases.fields.lead')}</th>
            <th scope="col">{t('cases.fields.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr key={c.id}>
              <CaseReferenceCell id={c.id} reference={c.reference} />
              <td>{c.title ?? <span className="table__muted">{t('cases.list.titleWithheld')}</span>}</td>
              <CaseStateCells status={c.status} priority={c.priority} />
              <td>{c.lead?.displayName ?? <span className="table__muted">{t('cases.list.noLead')}</span>}</td>
              <td>{when(c.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
