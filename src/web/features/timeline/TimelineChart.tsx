import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type TimelineChart as ChartData, chartCounts } from '../../../contract/timeline.ts';
import { todayDay } from '../intake/days.ts';
import { useDay } from '../intake/useDay.ts';
import { ChartSvg } from './ChartSvg.tsx';
import {
  type Bucket,
  bucketSize,
  bucketsOf,
  canZoomIn,
  canZoomOut,
  clampWindow,
  type DayWindow,
  domainOf,
  pan,
  rangeOf,
  spanOf,
  zoomIn,
  zoomOut,
} from './chart-math.ts';
import { GROUP_COLOURS, KIND_GROUPS, TAG_COLOUR } from './kinds.ts';

/** A bucket in words: its days, its entries by group, its warning behaviours. */
function useBucketText() {
  const { t } = useTranslation();
  const day = useDay();
  const period = (b: Bucket) =>
    b.start === b.end ? day(b.start) : t('timeline.chart.period', { from: day(b.start), to: day(b.end) });
  const label = (b: Bucket) => {
    const groups = KIND_GROUPS.filter((g) => b.groups[g] > 0)
      .map((g) => `${t(`timeline.groups.${g}`)}: ${b.groups[g]}`)
      .join(', ');
    const entries = t('timeline.chart.entries', { count: b.total });
    const counts = [
      groups === '' ? entries : `${entries} (${groups})`,
      ...(b.tagTotal > 0 ? [t('timeline.chart.tags', { count: b.tagTotal })] : []),
    ];
    return `${period(b)}: ${counts.join('; ')}`;
  };
  return { period, label };
}

/**
 * The timeline over time, beside the list: how many entries of which kind on which days, and the
 * warning behaviours noted. Zoom in and out, move earlier and later, and choose days (a bucket, or
 * a range) to show them in the list. The same counts are in a table for those who prefer one.
 */
export function TimelineChart({
  chart,
  from,
  to,
  onRange,
}: {
  chart: ChartData;
  from: string;
  to: string;
  onRange: (from: string, to: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const day = useDay();
  const text = useBucketText();
  const [chosen, setChosen] = useState<DayWindow | null>(null);
  const counts = useMemo(() => chartCounts(chart), [chart]);
  const domain = domainOf(counts, todayDay());
  if (domain === null)
    return (
      <section className="tl-chart" aria-labelledby="tl-chart-heading">
        <h3 id="tl-chart-heading">{t('timeline.chart.heading')}</h3>
        <p>{t('timeline.chart.empty')}</p>
      </section>
    );
  const w = chosen === null ? domain : clampWindow(chosen, domain);
  const buckets = bucketsOf(counts, w);
  const size = bucketSize(spanOf(w));
  const tickFormat = new Intl.DateTimeFormat(
    i18n.language,
    spanOf(w) > 300
      ? { month: 'short', year: 'numeric', timeZone: 'UTC' }
      : { day: 'numeric', month: 'short', timeZone: 'UTC' },
  );
  const focusDay = from !== '' && from >= w.start && from <= w.end ? from : undefined;
  const total = buckets.reduce((sum, b) => sum + b.total, 0);
  const tags = buckets.reduce((sum, b) => sum + b.tagTotal, 0);
  const select = (a: number, b: number) => {
    const range = rangeOf(buckets, a, b);
    if (range !== undefined) onRange(range.from, range.to);
  };
  const summaryId = 'tl-chart-summary';
  return (
    <section className="tl-chart" aria-labelledby="tl-chart-heading">
      <h3 id="tl-chart-heading">{t('timeline.chart.heading')}</h3>
      <div className="tl-chart__tools">
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => setChosen(zoomIn(w, domain, focusDay))}
          disabled={!canZoomIn(w, domain)}
        >
          {t('timeline.chart.zoomIn')}
        </button>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => setChosen(zoomOut(w, domain))}
          disabled={!canZoomOut(w, domain)}
        >
          {t('timeline.chart.zoomOut')}
        </button>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => setChosen(null)}
          disabled={!canZoomOut(w, domain)}
        >
          {t('timeline.chart.reset')}
        </button>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => setChosen(pan(w, domain, -1))}
          disabled={w.start <= domain.start}
        >
          {t('timeline.chart.earlier')}
        </button>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => setChosen(pan(w, domain, 1))}
          disabled={w.end >= domain.end}
        >
          {t('timeline.chart.later')}
        </button>
      </div>
      <p id={summaryId} className="tl-chart__summary" aria-live="polite">
        {t('timeline.chart.summary', {
          entries: t('timeline.chart.entries', { count: total }),
          tags: t('timeline.chart.tags', { count: tags }),
          from: day(w.start),
          to: day(w.end),
          bars: t('timeline.chart.barDays', { count: size }),
        })}{' '}
        <span className="muted">{t('timeline.chart.keys')}</span>
      </p>
      <ChartSvg
        window={w}
        buckets={buckets}
        from={from}
        to={to}
        describedBy={summaryId}
        label={text.label}
        tick={(d) => tickFormat.format(new Date(`${d}T00:00:00Z`))}
        onSelect={select}
      />
      <ul className="tl-legend">
        {KIND_GROUPS.map((g) => (
          <li key={g}>
            <svg className={`tl-legend__swatch tl-legend__swatch--${g}`} viewBox="0 0 12 12" aria-hidden="true">
              <rect width="12" height="12" fill={GROUP_COLOURS[g]} />
              {g === 'recorded' && (
                <path d="M 0 12 L 12 0 M -3 3 L 3 -3 M 9 15 L 15 9" stroke="#ffffff" strokeWidth="2" />
              )}
            </svg>
            {t(`timeline.groups.${g}`)}
          </li>
        ))}
        <li>
          <svg className="tl-legend__swatch" viewBox="0 0 12 12" aria-hidden="true">
            <path d="M 6 0 L 12 6 L 6 12 L 0 6 Z" fill={TAG_COLOUR} />
          </svg>
          {t('timeline.chart.tagsLane')}
        </li>
      </ul>
      <ChartTable buckets={buckets} period={text.period} onSelect={select} />
    </section>
  );
}

/** The chart's counts as a table, each period with a button that shows its days in the list. */
function ChartTable({
  buckets,
  period,
  onSelect,
}: {
  buckets: readonly Bucket[];
  period: (b: Bucket) => string;
  onSelect: (a: number, b: number) => void;
}) {
  const { t } = useTranslation();
  const rows = buckets.map((b, i) => ({ b, i })).filter(({ b }) => b.total > 0 || b.tagTotal > 0);
  return (
    <details className="tl-chart__table">
      <summary>{t('timeline.chart.table')}</summary>
      <div className="table-scroll">
        <table className="table table--compact">
          <caption className="visually-hidden">{t('timeline.chart.table')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('timeline.chart.periodColumn')}</th>
              {KIND_GROUPS.map((g) => (
                <th key={g} scope="col">
                  {t(`timeline.groups.${g}`)}
                </th>
              ))}
              <th scope="col">{t('timeline.chart.tagsLane')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ b, i }) => (
              <tr key={b.start}>
                <th scope="row">{period(b)}</th>
                {KIND_GROUPS.map((g) => (
                  <td key={g}>{b.groups[g]}</td>
                ))}
                <td>{b.tagTotal}</td>
                <td>
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    onClick={() => onSelect(i, i)}
                  >
                    {t('timeline.chart.show')}
                    <span className="visually-hidden"> {period(b)}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
