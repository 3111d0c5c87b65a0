import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../contract/cases.ts';
import { problemCode } from '../../api/client.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { CaseTextFields, type CaseTextValues } from './CaseTextFields.tsx';
import { checkCaseTexts, parseTags, type TextProblems } from './case-texts.ts';
import { caseQuery, updateCase } from './cases-api.ts';

/**
 * Editing the title, summary and tags. The form names the version it started from; when someone
 * else saved meanwhile (409), what the user typed stays in the form, the other change is shown,
 * and "apply my change again" saves the typed text over the newer version.
 */
export function CaseEditForm({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const overview = detail.overview;
  const [open, setOpen] = useState(false);
  const saved = (): CaseTextValues => ({
    title: overview?.title ?? '',
    summary: overview?.summary ?? '',
    tags: overview?.tags.join(', ') ?? '',
  });
  const [values, setValues] = useState<CaseTextValues>(saved);
  const [base, setBase] = useState(detail.version);
  const [problems, setProblems] = useState<TextProblems>({});
  const mutation = useMutation({
    mutationFn: (expectedVersion: number) =>
      updateCase(detail.id, {
        expectedVersion,
        title: values.title.trim(),
        summary: values.summary,
        tags: parseTags(values.tags),
      }),
    onSuccess: (saved) => {
      client.setQueryData(caseQuery(detail.id).queryKey, saved);
      setBase(saved.version);
      setOpen(false);
    },
  });
  const stale = problemCode(mutation.error) === 'stale_version';

  const start = () => {
    setValues(saved());
    setBase(detail.version);
    mutation.reset();
    setOpen(true);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkCaseTexts(t, values);
    setProblems(found);
    if (Object.keys(found).length === 0) mutation.mutate(base);
  };
  /** Loads the newer version (shown above the form) and saves the typed text over it. */
  const reapply = async () => {
    const fresh = await client.fetchQuery({ ...caseQuery(detail.id), staleTime: 0 });
    client.setQueryData(caseQuery(detail.id).queryKey, fresh);
    setBase(fresh.version);
    mutation.mutate(fresh.version);
  };

  if (!open) {
    return (
      <div className="form__actions">
        <button type="button" className="button button--secondary" onClick={start}>
          {t('cases.edit.open')}
        </button>
      </div>
    );
  }
  return (
    <section className="card" aria-labelledby="edit-case-heading">
      <h2 id="edit-case-heading">{t('cases.edit.heading')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        {stale ? (
          <Alert tone="warning" title={t('cases.edit.staleTitle')} focus focusKey={mutation.error}>
            <p>{t('cases.edit.stale')}</p>
            <button type="button" className="button button--small" onClick={() => void reapply()}>
              {t('cases.edit.reapply')}
            </button>
          </Alert>
        ) : (
          <ErrorAlert error={mutation.error} />
        )}
        <CaseTextFields idPrefix="edit-case" values={values} onChange={setValues} problems={problems} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('cases.edit.save')}
          </button>
          <button type="button" className="button button--secondary" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
