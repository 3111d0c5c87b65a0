import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../contract/cases.ts';
import { isCaseReference, type MergeRecord } from '../../../contract/links.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { StatusBadge } from './CaseBadges.tsx';
import { linkCase, relatedQuery, unlinkCase } from './links-api.ts';
import { MergeForm } from './MergeForm.tsx';

/**
 * Related cases: the links this reader may see (they read both cases wholly), linking another case
 * by its reference, the cases merged into this one with what moved, and merging this one away.
 */
export function RelatedSection({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const when = useDateTime();
  const client = useQueryClient();
  const related = useQuery(relatedQuery(detail.id));
  const unlink = useMutation({
    mutationFn: (otherId: string) => unlinkCase(detail.id, otherId),
    onSettled: () => client.invalidateQueries({ queryKey: ['cases'] }),
  });
  if (related.isPending) return <p>{t('common.loading')}</p>;
  if (related.isError) return <ErrorAlert error={related.error} />;
  const { links, merges } = related.data;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="links-heading">
        <h2 id="links-heading">{t('links.heading')}</h2>
        <p>{t('links.intro')}</p>
        <ErrorAlert error={unlink.error} />
        {links.length === 0 ? (
          <p>{t('links.none')}</p>
        ) : (
          <ul className="related-list" aria-labelledby="links-heading">
            {links.map((link) => (
              <li key={link.id}>
                <Link to="/cases/$caseId" params={{ caseId: link.id }}>
                  {link.reference}
                </Link>{' '}
                <StatusBadge status={link.status} /> <span>{link.title}</span>{' '}
                <span className="muted">
                  {t('links.linkedBy', { name: link.linkedBy?.displayName ?? '—', when: when(link.linkedAt) })}
                </span>
                {detail.access.canEdit && (
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    disabled={unlink.isPending}
                    onClick={() => unlink.mutate(link.id)}
                  >
                    {t('links.unlink', { reference: link.reference })}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {detail.access.canEdit && <LinkForm caseId={detail.id} />}
      </section>
      {merges.length > 0 && (
        <section className="card" aria-labelledby="merges-heading">
          <h2 id="merges-heading">{t('links.merges.heading')}</h2>
          {merges.map((merge) => (
            <MergeRecordView key={merge.id} merge={merge} />
          ))}
        </section>
      )}
      {detail.access.canMerge && <MergeForm detail={detail} />}
    </div>
  );
}

function LinkForm({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [reference, setReference] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const mutation = useMutation({
    mutationFn: (value: string) => linkCase(caseId, { reference: value }),
    onSuccess: () => setReference(''),
    onSettled: () => client.invalidateQueries({ queryKey: ['cases', caseId, 'related'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = reference.trim();
    const found = isCaseReference(value) ? undefined : t('links.referenceFormat');
    setProblem(found);
    if (found === undefined) mutation.mutate(value);
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorAlert error={mutation.error} />
      <TextField
        id="link-reference"
        label={t('links.reference')}
        hint={t('links.referenceHint')}
        value={reference}
        onChange={setReference}
        error={problem}
        autoComplete="off"
      />
      <div className="form__actions">
        <button type="submit" className="button" disabled={mutation.isPending}>
          {mutation.isPending ? t('common.working') : t('links.link')}
        </button>
      </div>
    </form>
  );
}

function MergeRecordView({ merge }: { merge: MergeRecord }) {
  const { t } = useTranslation();
  const when = useDateTime();
  const reference = merge.source.reference ?? t('links.merges.unnamed');
  return (
    <article className="merge-record" aria-label={t('links.merges.record', { reference })}>
      <h3>
        {merge.source.reference === null ? (
          reference
        ) : (
          <Link to="/cases/$caseId" params={{ caseId: merge.source.id }}>
            {merge.source.reference}
          </Link>
        )}
      </h3>
      <p className="muted">
        {t('links.merges.by', { name: merge.mergedBy?.displayName ?? '—', when: when(merge.mergedAt) })}
      </p>
      <p className="case-text">{merge.reason}</p>
      <dl className="case-facts">
        <div>
          <dt>{t('links.merges.persons')}</dt>
          <dd>
            {merge.persons.length === 0
              ? '—'
              : merge.persons.map((p) => t('links.merges.personMoved', { from: p.from, to: p.to })).join(', ')}
          </dd>
        </div>
        <div>
          <dt>{t('links.merges.documents')}</dt>
          <dd>{merge.documents}</dd>
        </div>
        <div>
          <dt>{t('links.merges.members')}</dt>
          <dd>{merge.members.map((m) => m.displayName ?? '—').join(', ') || '—'}</dd>
        </div>
        {merge.recused.length > 0 && (
          <div>
            <dt>{t('links.merges.recused')}</dt>
            <dd>{merge.recused.map((m) => m.displayName ?? '—').join(', ')}</dd>
          </div>
        )}
        <div>
          <dt>{t('links.merges.links')}</dt>
          <dd>{merge.links}</dd>
        </div>
      </dl>
    </article>
  );
}
