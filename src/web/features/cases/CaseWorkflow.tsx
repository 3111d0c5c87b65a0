import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CASE_STATUSES,
  type CaseDetail,
  type CaseStatus,
  CLOSURE_REASONS,
  type ClosureReason,
  OPEN_STATUSES,
  REASON_MAX,
} from '../../../contract/cases.ts';
import { problemCode } from '../../api/client.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextArea } from '../../ui/TextArea.tsx';
import { caseQuery, changeStatus, setPriority } from './cases-api.ts';

const rank = (s: CaseStatus) => OPEN_STATUSES.indexOf(s as (typeof OPEN_STATUSES)[number]);

/** Whether a move needs a reason (the server's rule): back a step, closing, reopening. */
export function needsReason(from: CaseStatus, to: CaseStatus): boolean {
  return to === 'closed' || from === 'closed' || rank(to) < rank(from);
}

/**
 * A save that met a newer version (409): the case is loaded again and the form keeps what was
 * typed, so the user checks the new state and sends the same change again.
 */
function useCaseChange<T>(detail: CaseDetail, send: (version: number, input: T) => Promise<CaseDetail>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: T) => send(detail.version, input),
    onSuccess: (saved) => client.setQueryData(caseQuery(detail.id).queryKey, saved),
    onError: (error) => {
      if (problemCode(error) === 'stale_version')
        void client.invalidateQueries({ queryKey: caseQuery(detail.id).queryKey });
    },
  });
}

function ChangeError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (problemCode(error) === 'stale_version')
    return (
      <Alert tone="warning" focus focusKey={error}>
        <p>{t('cases.workflow.stale')}</p>
      </Alert>
    );
  return <ErrorAlert error={error} />;
}

export function CaseWorkflow({ detail }: { detail: CaseDetail }) {
  return (
    <>
      <StatusForm detail={detail} />
      <PriorityForm detail={detail} />
    </>
  );
}

function StatusForm({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const choices = CASE_STATUSES.filter((s) => s !== detail.status);
  const [to, setTo] = useState<CaseStatus | ''>('');
  const [reason, setReason] = useState('');
  const [closure, setClosure] = useState<ClosureReason | ''>('');
  const [problems, setProblems] = useState<{ to?: string; reason?: string; closure?: string }>({});
  const mutation = useCaseChange(detail, (expectedVersion, input: { to: CaseStatus }) =>
    changeStatus(detail.id, {
      expectedVersion,
      status: input.to,
      ...(reason.trim() === '' ? {} : { reason: reason.trim() }),
      ...(input.to === 'closed' && closure !== '' ? { closureReason: closure } : {}),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      ...(to === '' ? { to: t('cases.workflow.chooseStatus') } : {}),
      ...(to !== '' && needsReason(detail.status, to) && reason.trim() === ''
        ? { reason: t('cases.workflow.reasonRequired') }
        : {}),
      ...(to === 'closed' && closure === '' ? { closure: t('cases.workflow.closureRequired') } : {}),
    };
    setProblems(found);
    if (Object.keys(found).length > 0 || to === '') return;
    mutation.mutate(
      { to },
      {
        onSuccess: () => {
          setTo('');
          setReason('');
          setClosure('');
        },
      },
    );
  };
  return (
    <section className="card" aria-labelledby="status-heading">
      <h2 id="status-heading">{t('cases.workflow.statusHeading')}</h2>
      <p>{t('cases.workflow.statusIntro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <ChangeError error={mutation.error} />
        <SelectField
          id="status-to"
          label={t('cases.workflow.newStatus')}
          value={to}
          placeholder={t('cases.workflow.chooseStatus')}
          options={choices.map((s) => ({ value: s, label: t(`cases.status.${s}`) }))}
          onChange={setTo}
          error={problems.to}
        />
        {to === 'closed' && (
          <SelectField
            id="status-closure"
            label={t('cases.workflow.closureReason')}
            value={closure}
            placeholder={t('cases.workflow.chooseClosure')}
            options={CLOSURE_REASONS.map((r) => ({ value: r, label: t(`cases.closure.${r}`) }))}
            onChange={setClosure}
            error={problems.closure}
          />
        )}
        <TextArea
          id="status-reason"
          label={t('cases.workflow.reason')}
          hint={t('cases.workflow.reasonHint')}
          value={reason}
          onChange={setReason}
          error={problems.reason}
          maxLength={REASON_MAX}
          rows={3}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('cases.workflow.changeStatus')}
          </button>
        </div>
      </form>
    </section>
  );
}

function PriorityForm({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const [priority, setPriorityValue] = useState<'1' | '2' | '3' | '4' | ''>('');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<{ priority?: string; reason?: string }>({});
  const mutation = useCaseChange(detail, (expectedVersion, input: { priority: number }) =>
    setPriority(detail.id, { expectedVersion, priority: input.priority, reason: reason.trim() }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      ...(priority === '' ? { priority: t('cases.workflow.choosePriority') } : {}),
      ...(reason.trim() === '' ? { reason: t('cases.workflow.reasonRequired') } : {}),
    };
    setProblems(found);
    if (Object.keys(found).length > 0 || priority === '') return;
    mutation.mutate(
      { priority: Number(priority) },
      {
        onSuccess: () => {
          setPriorityValue('');
          setReason('');
        },
      },
    );
  };
  return (
    <section className="card" aria-labelledby="priority-heading">
      <h2 id="priority-heading">{t('cases.workflow.priorityHeading')}</h2>
      <p>{t('cases.workflow.priorityIntro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <ChangeError error={mutation.error} />
        <SelectField
          id="priority-value"
          label={t('cases.fields.priority')}
          value={priority}
          placeholder={t('cases.workflow.choosePriority')}
          options={(['1', '2', '3', '4'] as const)
            .filter((p) => Number(p) !== detail.priority)
            .map((p) => ({ value: p, label: t(`cases.priority.p${p}`) }))}
          onChange={setPriorityValue}
          error={problems.priority}
        />
        <TextArea
          id="priority-reason"
          label={t('cases.workflow.reason')}
          value={reason}
          onChange={setReason}
          error={problems.reason}
          maxLength={REASON_MAX}
          rows={3}
          required
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('cases.workflow.setPriority')}
          </button>
        </div>
      </form>
    </section>
  );
}
