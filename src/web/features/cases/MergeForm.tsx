import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../contract/cases.ts';
import { isCaseReference } from '../../../contract/links.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextArea } from '../../ui/TextArea.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { mergeCase } from './links-api.ts';

/**
 * Merges this (duplicate) case into another: its persons, documents, members and links move there.
 * It cannot be undone, so it asks to confirm, and then for the password (step-up).
 */
export function MergeForm({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const withStepUp = useStepUp();
  const [into, setInto] = useState('');
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [problems, setProblems] = useState<{ into?: string; reason?: string; confirm?: string }>({});
  const mutation = useMutation({
    mutationFn: () =>
      withStepUp(() => mergeCase(detail.id, { into: into.trim(), reason, expectedVersion: detail.version })),
    onSuccess: async (target) => {
      await client.invalidateQueries({ queryKey: ['cases'] });
      await navigate({ to: '/cases/$caseId', params: { caseId: target.id } });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = into.trim();
    const found = {
      ...(!isCaseReference(value) ? { into: t('links.referenceFormat') } : {}),
      ...(value.toUpperCase() === detail.reference ? { into: t('errors.merge_into_itself') } : {}),
      ...(reason.trim() === '' ? { reason: t('links.merge.reasonRequired') } : {}),
      ...(!confirmed ? { confirm: t('links.merge.confirmRequired') } : {}),
    };
    setProblems(found);
    if (Object.keys(found).length === 0) mutation.mutate();
  };
  return (
    <section className="card" aria-labelledby="merge-heading">
      <h2 id="merge-heading">{t('links.merge.heading')}</h2>
      <p>{t('links.merge.intro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={mutation.error} />
        <TextField
          id="merge-into"
          label={t('links.merge.into')}
          hint={t('links.referenceHint')}
          value={into}
          onChange={setInto}
          error={problems.into}
          autoComplete="off"
        />
        <TextArea
          id="merge-reason"
          label={t('links.merge.reason')}
          value={reason}
          onChange={setReason}
          error={problems.reason}
          rows={3}
        />
        <div className={`field${problems.confirm === undefined ? '' : ' field--invalid'}`}>
          {problems.confirm !== undefined && (
            <p id="merge-confirm-error" className="field__error">
              {problems.confirm}
            </p>
          )}
          <label className="choice">
            <input
              type="checkbox"
              checked={confirmed}
              onChange={(e) => setConfirmed(e.target.checked)}
              aria-invalid={problems.confirm !== undefined}
              aria-describedby={problems.confirm === undefined ? undefined : 'merge-confirm-error'}
            />{' '}
            {t('links.merge.confirm', { reference: detail.reference })}
          </label>
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--danger" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('links.merge.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
