import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type MessageKind, REPORT_LIMITS, type TriageDetail } from '../../../contract/reports.ts';
import { Alert } from '../../ui/Alert.tsx';
import { TextArea } from '../../ui/TextArea.tsx';
import { TriageChangeError } from './TriageChangeError.tsx';
import { triageReportQuery, writeToReporter } from './triage-api.ts';
import { useTriageChange } from './useTriageChange.ts';

/**
 * A message to the reporter: always this explicit act, never a side effect of a note, and said so. While the
 * report is not acknowledged, the message may be the acknowledgement; any message may be the feedback on the
 * follow-up. Both meet their deadline.
 */
export function TeamMessageForm({ detail }: { detail: TriageDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [body, setBody] = useState('');
  const [kind, setKind] = useState<MessageKind>('message');
  const [problem, setProblem] = useState<string | undefined>();
  const acknowledged = detail.deadlines.acknowledgedOn !== null;
  const mutation = useTriageChange(
    detail,
    (expectedVersion, input: { kind: MessageKind; body: string }) =>
      writeToReporter(detail.id, { expectedVersion, ...input }),
    (saved) => {
      client.setQueryData(triageReportQuery(detail.id).queryKey, saved);
      setBody('');
      setKind('message');
    },
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const empty = body.trim() === '';
    setProblem(empty ? t('validation.required') : undefined);
    if (empty) return document.getElementById('team-message')?.focus();
    mutation.mutate({ kind: kind === 'acknowledgement' && acknowledged ? 'message' : kind, body });
  };
  const toggle = (which: MessageKind) => (checked: boolean) => setKind(checked ? which : 'message');
  return (
    <section className="card" aria-labelledby="team-message-heading">
      <h2 id="team-message-heading">{t('teamMessage.heading')}</h2>
      <Alert tone="info">
        <p>{t(detail.channel === 'anonymous' ? 'teamMessage.toAnonymous' : 'teamMessage.toEmployee')}</p>
        <p>{t('teamMessage.signed')}</p>
      </Alert>
      <form className="form" onSubmit={submit} noValidate>
        <TriageChangeError error={mutation.error} />
        {mutation.isSuccess && (
          <Alert tone="success">
            <p>{t('teamMessage.sent')}</p>
          </Alert>
        )}
        <TextArea
          id="team-message"
          label={t('teamMessage.body')}
          value={body}
          onChange={(value) => {
            setBody(value);
            if (mutation.isSuccess) mutation.reset();
          }}
          error={problem}
          maxLength={REPORT_LIMITS.message}
          counted
          rows={6}
          required
        />
        {!acknowledged && (
          <label className="choice">
            <input
              type="checkbox"
              checked={kind === 'acknowledgement'}
              onChange={(event) => toggle('acknowledgement')(event.target.checked)}
            />
            {t('teamMessage.isAcknowledgement')}
          </label>
        )}
        <label className="choice">
          <input
            type="checkbox"
            checked={kind === 'feedback'}
            onChange={(event) => toggle('feedback')(event.target.checked)}
          />
          {t('teamMessage.isFeedback')}
        </label>
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('teamMessage.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
