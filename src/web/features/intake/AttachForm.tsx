import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isCaseReference } from '../../../contract/links.ts';
import type { TriageDetail } from '../../../contract/reports.ts';
import { TextField } from '../../ui/TextField.tsx';
import { TriageChangeError } from './TriageChangeError.tsx';
import { attachToCase } from './triage-api.ts';
import { useTriageChange } from './useTriageChange.ts';

/** Attaches a new report to a case that exists, by its reference (the hints may have named it). */
export function AttachForm({ detail }: { detail: TriageDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [reference, setReference] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const mutation = useTriageChange(
    detail,
    (expectedVersion, value: string) => attachToCase(detail.id, { expectedVersion, reference: value }),
    () => void client.invalidateQueries({ queryKey: ['triage', detail.id] }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = reference.trim().toUpperCase();
    const found = isCaseReference(value) ? undefined : t('links.referenceFormat');
    setProblem(found);
    if (found === undefined) mutation.mutate(value);
    else document.getElementById('attach-reference')?.focus();
  };
  return (
    <section className="card" aria-labelledby="attach-heading">
      <h3 id="attach-heading">{t('triage.attach.heading')}</h3>
      <p>{t('triage.attach.intro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <TriageChangeError error={mutation.error} messages={{ not_found: t('triage.attach.notFound') }} />
        <TextField
          id="attach-reference"
          label={t('triage.attach.reference')}
          hint={t('links.referenceHint')}
          value={reference}
          onChange={setReference}
          error={problem}
          autoComplete="off"
          spellCheck={false}
          maxLength={40}
          required
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('triage.attach.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
