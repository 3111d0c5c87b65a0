import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_SORTS, CASE_STATUSES, type CaseListQuery, type CaseStatus } from '../../../contract/cases.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useSession } from '../session/useSession.ts';
import { CaseTable } from './CaseTable.tsx';
import { casesQuery } from './cases-api.ts';
import { HandoverCard } from './HandoverCard.tsx';
import { NewCaseForm } from './NewCaseForm.tsx';

const PAGE = 50;
type Priority = NonNullable<CaseListQuery['priority']>;
type Sort = (typeof CASE_SORTS)[number];

/**
 * The cases in reach: a threat manager's and an expert's are their memberships; a team lead's are
 * every case, with the title only where their scope holds the whole case.
 */
export function CasesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('cases.title'));
  const session = useSession();
  const role = session?.status === 'signed-in' ? session.session.user.role : undefined;
  const [status, setStatus] = useState<CaseStatus | 'all'>('all');
  const [priority, setPriority] = useState<Priority | 'all'>('all');
  const [sort, setSort] = useState<Sort>('updated');
  const [mine, setMine] = useState(false);
  const [words, setWords] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const filter: CaseListQuery = {
    ...(status === 'all' ? {} : { status }),
    ...(priority === 'all' ? {} : { priority }),
    ...(mine ? { mine: 'true' } : {}),
    ...(q === '' ? {} : { q }),
    sort,
    order: sort === 'reference' ? 'asc' : 'desc',
    limit: PAGE,
    offset,
  };
  const list = useQuery({ ...casesQuery(filter), placeholderData: keepPreviousData });
  const search = (event: FormEvent) => {
    event.preventDefault();
    setOffset(0);
    setQ(words.trim());
  };
  const total = list.data?.total ?? 0;

  return (
    <section className="page" aria-labelledby="cases-heading">
      <Heading id="cases-heading">{t('cases.heading')}</Heading>
      <p className="page__intro">{t(role === 'team_lead' ? 'cases.intro.teamLead' : 'cases.intro.member')}</p>
      <section className="card" aria-labelledby="case-list-heading">
        <h2 id="case-list-heading">{t('cases.list.heading')}</h2>
        <search aria-label={t('cases.filters.label')}>
          <form className="case-filters" onSubmit={search}>
            <TextField
              id="case-search"
              label={t('cases.filters.search')}
              hint={t('cases.filters.searchHint')}
              value={words}
              onChange={setWords}
              maxLength={200}
            />
            <div className="form__actions">
              <button type="submit" className="button button--secondary">
                {t('cases.filters.searchSubmit')}
              </button>
            </div>
          </form>
        </search>
        <div className="case-filters">
          <SelectField
            id="case-status"
            label={t('cases.fields.status')}
            value={status}
            options={[
              { value: 'all', label: t('cases.filters.all') },
              ...CASE_STATUSES.map((s) => ({ value: s, label: t(`cases.status.${s}`) })),
            ]}
            onChange={(value) => {
              setOffset(0);
              setStatus(value);
            }}
          />
          <SelectField
            id="case-priority"
            label={t('cases.fields.priority')}
            value={priority}
            options={[
              { value: 'all', label: t('cases.filters.all') },
              ...(['4', '3', '2', '1'] as const).map((p) => ({ value: p, label: t(`cases.priority.p${p}`) })),
              { value: 'none', label: t('cases.priority.none') },
            ]}
            onChange={(value) => {
              setOffset(0);
              setPriority(value);
            }}
          />
          <SelectField
            id="case-sort"
            label={t('cases.filters.sort')}
            value={sort}
            options={CASE_SORTS.map((s) => ({ value: s, label: t(`cases.sort.${s}`) }))}
            onChange={setSort}
          />
          {role === 'team_lead' && (
            <label className="choice">
              <input
                type="checkbox"
                checked={mine}
                onChange={(event) => {
                  setOffset(0);
                  setMine(event.target.checked);
                }}
              />
              {t('cases.filters.mine')}
            </label>
          )}
        </div>
        {list.isPending && <p>{t('common.loading')}</p>}
        {list.isError && <ErrorAlert error={list.error} />}
        {list.data !== undefined && (
          <>
            <p role="status">{t('cases.list.count', { count: total })}</p>
            <CaseTable cases={list.data.cases} />
            {total > PAGE && (
              <div className="form__actions">
                <button
                  type="button"
                  className="button button--secondary"
                  disabled={offset === 0}
                  onClick={() => setOffset(Math.max(0, offset - PAGE))}
                >
                  {t('cases.list.previous')}
                </button>
                <button
                  type="button"
                  className="button button--secondary"
                  disabled={offset + PAGE >= total}
                  onClick={() => setOffset(offset + PAGE)}
                >
                  {t('cases.list.next')}
                </button>
              </div>
            )}
          </>
        )}
      </section>
      {(role === 'threat_manager' || role === 'team_lead') && <NewCaseForm />}
      {role === 'team_lead' && <HandoverCard />}
    </section>
  );
}
