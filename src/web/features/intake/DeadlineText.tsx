import { useTranslation } from 'react-i18next';
import { deadlineState } from './days.ts';
import { useDay } from './useDay.ts';

/** A deadline in words: met on a day, due (today, or in some days), or overdue, which is also red. */
export function DeadlineText({ due, doneOn, today }: { due: string; doneOn: string | null; today: string }) {
  const { t } = useTranslation();
  const day = useDay();
  const state = deadlineState(due, doneOn, today);
  if (state.kind === 'done')
    return <span className="deadline deadline--done">{t('deadlines.done', { day: day(state.on) })}</span>;
  if (state.kind === 'overdue')
    return (
      <span className="deadline deadline--overdue">{t('deadlines.overdue', { count: state.days, day: day(due) })}</span>
    );
  return (
    <span className="deadline">
      {state.days === 0
        ? t('deadlines.dueToday', { day: day(due) })
        : t('deadlines.due', { count: state.days, day: day(due) })}
    </span>
  );
}
