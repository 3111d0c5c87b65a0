import { useTranslation } from 'react-i18next';
import { modelId } from '../../../contract/assessments.ts';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import { textOf } from '../../../contract/models/validate.ts';
import { useModelText } from '../models/useModelText.ts';
import type { Assessments } from './listing.ts';
import { type CurvePoint, judgmentScale, levelScale, type RiskCurve } from './risk-curve.ts';
import { useDate } from './useAssessmentText.ts';

interface Row {
  readonly key: string;
  readonly t: number;
  readonly at: string;
  readonly event: string;
  /** Per series: its value in words; undefined where the row has none. */
  readonly values: Readonly<Record<string, string>>;
}

/** The risk curve as a table, in time order: each assessment with its values, each incident with its warning behaviours. */
export function RiskCurveTable({
  list,
  curve,
  models,
  seriesLabel,
}: {
  list: Pick<Assessments, 'assessments' | 'incidents'>;
  curve: RiskCurve;
  models: ReadonlyMap<string, ModelDefinition>;
  seriesLabel: (key: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.language.startsWith('de') ? 'de' : 'en';
  const date = useDate();
  const modelText = useModelText();
  const valueText = (p: CurvePoint, judgment: string): string => {
    if (p.value === null) return t('assessments.curve.notGiven');
    const model = models.get(modelId(p.model));
    const scale =
      model === undefined ? undefined : judgment === '' ? levelScale(model) : judgmentScale(model, judgment);
    const value = scale?.values.find((v) => v.key === p.value);
    // A licensed label is filled in from the model it belongs to.
    return model === undefined || value === undefined ? p.value : (textOf(model, value.label, language) ?? p.value);
  };
  const byAssessment = new Map<string, { t: number; at: string; point: CurvePoint; values: Record<string, string> }>();
  for (const s of curve.series) {
    // An external result's value is its level ('' below), a judgment's value the judgment's.
    const judgment = s.kind === 'external' ? '' : s.key;
    for (const p of s.points) {
      const row = byAssessment.get(p.id) ?? { t: p.t, at: p.at, point: p, values: {} };
      row.values[s.key] = valueText(p, judgment);
      byAssessment.set(p.id, row);
    }
  }
  const summaryOf = (id: string) => list.assessments.find((a) => a.id === id);
  const rows: Row[] = [
    ...[...byAssessment.entries()].map(([id, r]) => {
      const summary = summaryOf(id);
      const pin = summary?.model ?? r.point.model;
      const model = `${modelText(pin.title)} ${pin.version}`;
      const instrument = summary?.result?.instrument ?? null;
      return {
        key: id,
        t: r.t,
        at: r.at,
        event:
          instrument === null
            ? t('assessments.curve.assessmentEvent', { kind: t(`assessments.kinds.${r.point.kind}`), model })
            : t('assessments.curve.externalEvent', { instrument, model }),
        values: r.values,
      };
    }),
    ...curve.incidents.map((m) => ({
      key: m.id,
      t: m.t,
      at: m.at,
      event:
        m.tags.length === 0
          ? t('assessments.curve.incident')
          : t('assessments.curve.incidentTagged', {
              tags: m.tags.map((tag) => t(`triage.behaviours.${tag}`, { defaultValue: tag })).join(', '),
            }),
      values: {},
    })),
    ...curve.measures.map((m) => ({ key: m.id, t: m.t, at: m.at, event: t('assessments.curve.measure'), values: {} })),
  ].sort((a, b) => a.t - b.t);

  return (
    <details className="as-curve__table">
      <summary>{t('assessments.curve.table')}</summary>
      <div className="table-scroll">
        <table className="table table--compact">
          <caption className="visually-hidden">{t('assessments.curve.table')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('assessments.curve.date')}</th>
              <th scope="col">{t('assessments.curve.event')}</th>
              {curve.series.map((s) => (
                <th key={s.key} scope="col">
                  {seriesLabel(s.key)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{date(r.at)}</th>
                <td>{r.event}</td>
                {curve.series.map((s) => (
                  <td key={s.key}>{r.values[s.key] ?? '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
