import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { modelId } from '../../../contract/assessments.ts';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import { modelQuery } from '../models/models-api.ts';
import { useModelText } from '../models/useModelText.ts';
import type { Assessments } from './listing.ts';
import { INCIDENT_COLOUR, Marker, MEASURE_COLOUR, RiskCurveSvg } from './RiskCurveSvg.tsx';
import { RiskCurveTable } from './RiskCurveTable.tsx';
import { type CurveMark, curveOf, EXTERNAL_SERIES, styleOf } from './risk-curve.ts';
import { useDate } from './useAssessmentText.ts';

/**
 * The case's risk curve: priority, imminence and severity over time from its finalised assessments,
 * the external instruments' results as a series of their own, and its incidents on the same axis
 * (measures join when the defuse capability arrives: `measures`). The same data is in a table.
 */
export function RiskCurve({
  list,
  measures = [],
}: {
  list: Pick<Assessments, 'assessments' | 'incidents'>;
  measures?: readonly CurveMark[];
}) {
  const { t, i18n } = useTranslation();
  const text = useModelText();
  const date = useDate();
  const pins = [
    ...new Map(list.assessments.filter((a) => a.status === 'final').map((a) => [modelId(a.model), a.model])).values(),
  ];
  // The scales place each judgment's value; a definition that cannot be read leaves its values unplaced.
  const definitions = useQueries({ queries: pins.map((p) => ({ ...modelQuery(p.key, p.version), retry: false })) });
  const models = new Map<string, ModelDefinition>();
  definitions.forEach((q, i) => {
    const pin = pins[i];
    if (q.data !== undefined && pin !== undefined) models.set(modelId(pin), q.data.definition);
  });
  const curve = curveOf(list, models, measures);
  const drawn = curve.series.some((s) => s.points.length > 0);
  const seriesLabel = (key: string) => {
    if (key === EXTERNAL_SERIES) return t('assessments.curve.external');
    const latest = [...models.values()].reverse().find((m) => m.judgments.some((j) => j.key === key));
    const judgment = latest?.judgments.find((j) => j.key === key);
    return judgment === undefined ? key : text(judgment.label);
  };

  if (!drawn || curve.domain === null)
    return (
      <section className="as-curve" aria-labelledby="as-curve-heading">
        <h3 id="as-curve-heading">{t('assessments.curve.heading')}</h3>
        <p>{t('assessments.curve.empty')}</p>
      </section>
    );
  const domain = curve.domain;
  const assessed = new Set(curve.series.flatMap((s) => s.points.map((p) => p.id))).size;
  const tickFormat = new Intl.DateTimeFormat(
    i18n.language,
    domain.end - domain.start > 300 * 86_400_000
      ? { month: 'short', year: 'numeric' }
      : { day: 'numeric', month: 'short' },
  );
  return (
    <section className="as-curve" aria-labelledby="as-curve-heading">
      <h3 id="as-curve-heading">{t('assessments.curve.heading')}</h3>
      <p id="as-curve-summary">
        {t('assessments.curve.summary', {
          assessments: t('assessments.curve.assessments', { count: assessed }),
          incidents: t('assessments.curve.incidents', { count: curve.incidents.length }),
          from: date(new Date(domain.start).toISOString()),
          to: date(new Date(domain.end).toISOString()),
        })}{' '}
        {t('assessments.curve.reading')}
      </p>
      {definitions.some((q) => q.isPending) && <p className="muted">{t('common.loading')}</p>}
      {curve.changes.length > 0 && (
        <ul className="as-curve__changes">
          {curve.changes.map((c) => (
            <li key={c.id}>
              {t(c.sameModel ? 'assessments.curve.versionChange' : 'assessments.curve.modelChange', {
                date: date(c.at),
                from: `${text(c.from.title)} ${c.from.version}`,
                to: `${text(c.to.title)} ${c.to.version}`,
              })}
            </li>
          ))}
        </ul>
      )}
      <RiskCurveSvg
        curve={curve}
        domain={domain}
        label={t('assessments.curve.heading')}
        describedBy="as-curve-summary"
        seriesLabel={seriesLabel}
        tick={(time) => tickFormat.format(new Date(time))}
      />
      <ul className="tl-legend as-curve__legend">
        {curve.series.map((s) => {
          const style = styleOf(curve.series, s.key);
          return (
            <li key={s.key}>
              <svg className="as-curve__swatch" viewBox="0 0 36 12" aria-hidden="true">
                <line x1="0" x2="36" y1="6" y2="6" stroke={style.colour} strokeWidth="2" strokeDasharray={style.dash} />
                <Marker style={style} cx={18} cy={6} />
              </svg>
              {seriesLabel(s.key)}
            </li>
          );
        })}
        <li>
          <svg className="as-curve__swatch" viewBox="0 0 36 12" aria-hidden="true">
            <rect x="16" y="0" width="4" height="12" fill={INCIDENT_COLOUR} />
          </svg>
          {t('assessments.curve.incidentsLane')}
        </li>
        {curve.measures.length > 0 && (
          <li>
            <svg className="as-curve__swatch" viewBox="0 0 36 12" aria-hidden="true">
              <rect x="14" y="1" width="8" height="10" fill="#ffffff" stroke={MEASURE_COLOUR} strokeWidth="2" />
            </svg>
            {t('assessments.curve.measuresLane')}
          </li>
        )}
      </ul>
      <RiskCurveTable list={list} curve={curve} models={models} seriesLabel={seriesLabel} />
    </section>
  );
}
