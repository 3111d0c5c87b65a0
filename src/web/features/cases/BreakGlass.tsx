import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BREAK_GLASS_MINUTES, type CaseDetail, PURPOSE_MIN, REASON_MAX } from '../../../contract/cases.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextArea } from '../../ui/TextArea.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useStepUp } from '../session/StepUp.tsx';
import { endBreakGlass, startBreakGlass } from './cases-api.ts';

const DURATIONS = ['15', '30', '60', '120', '240', '480'] as const;
type Duration = (typeof DURATIONS)[number];

/** A team lead outside the case: what it is, and the break-glass to open it for a stated purpose. */
export function BreakGlassForm({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const purposeRef = useRef<HTMLFormElement>(null);
  const [purpose, setPurpose] = useState('');
  const [minutes, setMinutes] = useState<Duration>(String(BREAK_GLASS_MINUTES.default) as Duration);
  const [problem, setProblem] = useState<string | undefined>();
  const mutation = useMutation({
    mutationFn: () =>
      withStepUp(() => startBreakGlass(detail.id, { purpose: purpose.trim(), minutes: Number(minutes) })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['cases', detail.id] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing = purpose.trim().length < PURPOSE_MIN;
    setProblem(missing ? t('cases.breakGlass.purposeTooShort', { min: PURPOSE_MIN }) : undefined);
    if (missing) return purposeRef.current?.querySelector('textarea')?.focus();
    mutation.mutate();
  };
  return (
    <section className="card" aria-labelledby="break-glass-heading">
      <h2 id="break-glass-heading">{t('cases.breakGlass.heading')}</h2>
      <p>{t('cases.breakGlass.intro')}</p>
      <form ref={purposeRef} className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={mutation.error} />
        <TextArea
          id="break-glass-purpose"
          label={t('cases.breakGlass.purpose')}
          hint={t('cases.breakGlass.purposeHint')}
          value={purpose}
          onChange={setPurpose}
          error={problem}
          maxLength={REASON_MAX}
          required
        />
        <SelectField
          id="break-glass-minutes"
          label={t('cases.breakGlass.duration')}
          value={minutes}
          options={DURATIONS.map((m) => ({ value: m, label: t('cases.breakGlass.minutes', { count: Number(m) }) }))}
          onChange={setMinutes}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('cases.breakGlass.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Shown while the reader is in the case by break-glass: until when, and the way out. */
export function BreakGlassNotice({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const when = useDateTime();
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: () => endBreakGlass(detail.id),
    onSettled: () => client.invalidateQueries({ queryKey: ['cases', detail.id] }),
  });
  return (
    <Alert tone="warning" title={t('cases.breakGlass.active')}>
      <p>{t('cases.breakGlass.activeUntil', { time: when(detail.access.expiresAt ?? detail.updatedAt) })}</p>
      <ErrorAlert error={mutation.error} />
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() => mutation.mutate()}
        disabled={mutation.isPending}
      >
        {t('cases.breakGlass.end')}
      </button>
    </Alert>
  );
}
