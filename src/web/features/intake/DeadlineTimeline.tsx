import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportDeadlines } from '../../../contract/reports.ts';
import { DeadlineText } from './DeadlineText.tsx';
import { daysBetween, deadlineState } from './days.ts';
import { useDay } from './useDay.ts';

/**
 * Received → acknowledge by → feedback by, with today marked, on a line scaled in days. The line is a picture
 * only; the list under it says the same in words (and the state of each deadline, not by colour alone).
 */
export function DeadlineTimeline({
  receivedOn,
  deadlines,
  today,
}: {
  receivedOn: string;
  deadlines: ReportDeadlines;
  today: string;
}) {
  const { t } = useTranslation();
  const day = useDay();
  const end = [deadlines.feedbackBy, today].sort().at(-1) ?? today;
  const span = Math.max(1, daysBetween(receivedOn, end));
  const at = (d: string): CSSProperties =>
    ({ '--at': `${Math.min(100, Math.max(0, (daysBetween(receivedOn, d) / span) * 100))}%` }) as CSSProperties;
  const ack = deadlineState(deadlines.acknowledgeBy, deadlines.acknowledgedOn, today).kind;
  const feedback = deadlineState(deadlines.feedbackBy, deadlines.feedbackOn, today).kind;
  return (
    <div className="timeline">
      <div className="timeline__track" aria-hidden="true">
        <span className="timeline__dot timeline__dot--done" style={at(receivedOn)} />
        <span className={`timeline__dot timeline__dot--${ack}`} style={at(deadlines.acknowledgeBy)} />
        <span className={`timeline__dot timeline__dot--${feedback}`} style={at(deadlines.feedbackBy)} />
        <span className="timeline__today" style={at(today)}>
          <span className="timeline__today-label">{t('deadlines.today')}</span>
        </span>
      </div>
      <ol className="timeline__legend">
        <li>
          <span className="timeline__name">{t('deadlines.received')}</span>
          <span>{day(receivedOn)}</span>
        </li>
        <li>
          <span className="timeline__name">{t('triage.fields.acknowledgeBy')}</span>
          <DeadlineText due={deadlines.acknowledgeBy} doneOn={deadlines.acknowledgedOn} today={today} />
        </li>
        <li>
          <span className="timeline__name">{t('triage.fields.feedbackBy')}</span>
          <DeadlineText due={deadlines.feedbackBy} doneOn={deadlines.feedbackOn} today={today} />
        </li>
      </ol>
    </div>
  );
}
