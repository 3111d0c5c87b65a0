import type { Dashboard } from '../../../contract/dashboard.ts';

/**
 * What needs the caller today, counted for the line at the top of the dashboard. The server counts
 * every overdue report; it lists only the most pressing ones (overdue first), so overdue deadlines
 * beyond the list are counted as "more", without their kind.
 */
export interface TodaySummary {
  readonly overdueAcknowledgements: number;
  readonly overdueFeedback: number;
  readonly overdueMore: number;
  readonly dueSoon: number;
  readonly untriaged: number;
  readonly unled: number;
  readonly ageing: number;
}

export function todaySummary(dashboard: Pick<Dashboard, 'reports' | 'team'>): TodaySummary {
  const items = dashboard.reports?.items ?? [];
  const overdue = (next: 'acknowledge' | 'feedback') =>
    items.filter((i) => i.state === 'overdue' && i.next === next).length;
  const overdueAcknowledgements = overdue('acknowledge');
  const overdueFeedback = overdue('feedback');
  return {
    overdueAcknowledgements,
    overdueFeedback,
    overdueMore: Math.max(0, (dashboard.reports?.overdue ?? 0) - overdueAcknowledgements - overdueFeedback),
    dueSoon: items.filter((i) => i.state === 'due_soon').length,
    untriaged: dashboard.reports?.untriaged ?? 0,
    unled: dashboard.team?.unled.length ?? 0,
    ageing: dashboard.team?.ageing.length ?? 0,
  };
}

export type RelativeUnit = 'second' | 'minute' | 'hour' | 'day';

/**
 * A past moment as "n units ago" while it is recent (under a week), else null: the caller then
 * shows the date and time. A moment slightly in the future (clocks differ) counts as now.
 */
export function relativeParts(at: string, now: Date): { value: number; unit: RelativeUnit } | null {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000));
  if (seconds < 60) return { value: 0, unit: 'second' };
  if (seconds < 3600) return { value: -Math.floor(seconds / 60), unit: 'minute' };
  if (seconds < 86_400) return { value: -Math.floor(seconds / 3600), unit: 'hour' };
  if (seconds < 7 * 86_400) return { value: -Math.floor(seconds / 86_400), unit: 'day' };
  return null;
}

/** The bars of a chart: the tallest bar's value rounded up to a "nice" top of the scale (at least 1). */
export function scaleTop(values: readonly number[]): number {
  const max = Math.max(0, ...values);
  if (max <= 4) return Math.max(1, max);
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const top = step * magnitude;
    if (top >= max) return top;
  }
  return 10 * magnitude;
}
