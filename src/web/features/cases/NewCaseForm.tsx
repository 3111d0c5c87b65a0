import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { CaseTextFields, type CaseTextValues } from './CaseTextFields.tsx';
import { checkCaseTexts, parseTags, type TextProblems } from './case-texts.ts';
import { createCase } from './cases-api.ts';

/** Opening a case: a short title (it names the case for its members), a summary and tags; the opener leads it. */
export function NewCaseForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const titleRef = useRef<HTMLInputElement>(null);
  const [values, setValues] = useState<CaseTextValues>({ title: '', summary: '', tags: '' });
  const [problems, setProblems] = useState<TextProblems>({});
  const mutation = useMutation({
    mutationFn: createCase,
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: ['cases', 'list'] });
      await navigate({ to: '/cases/$caseId', params: { caseId: created.id } });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkCaseTexts(t, values);
    setProblems(found);
    if (Object.keys(found).length > 0) return titleRef.current?.focus();
    mutation.mutate({ title: values.title.trim(), summary: values.summary, tags: parseTags(values.tags) });
  };
  return (
    <section className="card" aria-labelledby="new-case-heading">
      <h2 id="new-case-heading">{t('cases.new.heading')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={mutation.error} />
        <CaseTextFields
          idPrefix="new-case"
          values={values}
          onChange={setValues}
          problems={problems}
          titleHint={t('cases.new.titleHint')}
          titleRef={titleRef}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('cases.new.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
