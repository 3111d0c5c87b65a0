import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CaseTitle, TITLE_MAX } from '../../../contract/cases.ts';
import type { TriageDetail } from '../../../contract/reports.ts';
import { TextField } from '../../ui/TextField.tsx';
import { TriageChangeError } from './TriageChangeError.tsx';
import { openCaseFromReport } from './triage-api.ts';
import { useTriageChange } from './useTriageChange.ts';

/** A first title for the case: the report's reference and the start of its first line, for the user to edit. */
export function suggestedTitle(reference: string, whatHappened: string): string {
  const line = (whatHappened.split('\n').find((l) => l.trim() !== '') ?? '').trim().replace(/\s+/g, ' ');
  const short = line.length > 80 ? `${line.slice(0, 79).trimEnd()}…` : line;
  return (short === '' ? reference : `${reference}: ${short}`).slice(0, TITLE_MAX);
}

/** Opens a case from a new report (the user leads it) and goes there. */
export function OpenCaseForm({ detail }: { detail: TriageDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [title, setTitle] = useState(() => suggestedTitle(detail.reference, detail.content.whatHappened));
  const [problem, setProblem] = useState<string | undefined>();
  const mutation = useTriageChange(
    detail,
    (expectedVersion, value: string) => openCaseFromReport(detail.id, { expectedVersion, title: value }),
    (result) => {
      void client.invalidateQueries({ queryKey: ['triage', detail.id] });
      void client.invalidateQueries({ queryKey: ['cases', 'list'] });
      if (result.case !== null) void navigate({ to: '/cases/$caseId', params: { caseId: result.case.id } });
    },
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found =
      title.trim() === ''
        ? t('validation.required')
        : CaseTitle.safeParse(title).success
          ? undefined
          : t('cases.validation.title');
    setProblem(found);
    if (found === undefined) mutation.mutate(title.trim());
    else document.getElementById('open-case-title')?.focus();
  };
  return (
    <section className="card" aria-labelledby="open-case-heading">
      <h3 id="open-case-heading">{t('triage.open.heading')}</h3>
      <p>{t('triage.open.intro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <TriageChangeError error={mutation.error} />
        <TextField
          id="open-case-title"
          label={t('triage.open.title')}
          hint={t('triage.open.titleHint')}
          value={title}
          onChange={setTitle}
          error={problem}
          maxLength={TITLE_MAX}
          counted
          required
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('triage.open.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
