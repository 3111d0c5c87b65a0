import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REPORT_LIMITS, type ReporterView } from '../../../contract/reports.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextArea } from '../../ui/TextArea.tsx';

/** The reporter's message to the team; the text stays until it was sent. */
export function ReporterMessageForm({
  id,
  send,
  onSent,
  errorMessages,
}: {
  id: string;
  send: (body: string) => Promise<ReporterView>;
  onSent: (view: ReporterView) => void;
  errorMessages?: Readonly<Record<string, string>>;
}) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const mutation = useMutation({
    mutationFn: send,
    onSuccess: (view) => {
      setBody('');
      onSent(view);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const empty = body.trim() === '';
    setProblem(empty ? t('validation.required') : undefined);
    if (empty) return document.getElementById(id)?.focus();
    mutation.mutate(body);
  };
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('messages.write.heading')}</h2>
      <p>{t('messages.write.intro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={mutation.error} {...(errorMessages ? { messages: errorMessages } : {})} />
        {mutation.isSuccess && (
          <Alert tone="success">
            <p>{t('messages.write.sent')}</p>
          </Alert>
        )}
        <TextArea
          id={id}
          label={t('messages.write.body')}
          value={body}
          onChange={(value) => {
            setBody(value);
            if (mutation.isSuccess) mutation.reset();
          }}
          error={problem}
          maxLength={REPORT_LIMITS.message}
          counted
          rows={5}
          required
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('messages.write.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
