import { useTranslation } from 'react-i18next';
import type { ReportMessage } from '../../../contract/reports.ts';
import { useDay } from './useDay.ts';

/**
 * The two-way channel of a report, oldest first, each message dated to the day (all the anonymous channel
 * keeps). The team writes as the team, never by name; the reader's own side is "you".
 */
export function MessageThread({
  messages,
  viewer,
}: {
  messages: readonly ReportMessage[];
  viewer: 'reporter' | 'team';
}) {
  const { t } = useTranslation();
  const day = useDay();
  if (messages.length === 0) return <p className="muted">{t('messages.none')}</p>;
  return (
    <ol className="thread">
      {messages.map((message) => {
        const mine = (message.from === 'reporter') === (viewer === 'reporter');
        return (
          <li key={message.number} className={`thread__message thread__message--${message.from}`}>
            <p className="thread__meta">
              <strong>{t(`messages.from.${viewer}.${message.from}`)}</strong>
              {message.kind !== 'message' && (
                <span className="badge badge--brand">{t(`messages.kinds.${message.kind}`)}</span>
              )}
              <span className="muted">{day(message.sentOn)}</span>
              {mine && <span className="visually-hidden">{t('messages.sentByYou')}</span>}
            </p>
            <p className="case-text">{message.body}</p>
          </li>
        );
      })}
    </ol>
  );
}
