import { useTranslation } from 'react-i18next';
import {
  type Frame,
  linePath,
  markerPath,
  type RiskCurve,
  runsOf,
  type SeriesStyle,
  styleOf,
  type TimeDomain,
  ticksOf,
  xAt,
  yAt,
} from './risk-curve.ts';

/** The drawing's own units: the SVG scales to the width it is given. */
const W = 720;
const PLOT: Frame = { left: 76, top: 30, width: W - 76 - 24, height: 160 };
const LANE_H = 18;
const LEVELS = [0, 1 / 3, 2 / 3, 1];
const R = 5;
export const INCIDENT_COLOUR = '#b42318';
export const MEASURE_COLOUR = '#1d4e6b';

/**
 * The risk curve's drawing: each series a line of its own dash with markers of its own shape, on a
 * level from the lowest to the highest value of its scale; incidents (and, later, measures) marked
 * in lanes below on the same time axis; a dashed rule where the model version changed. One image
 * for assistive technology: the table beside it holds the same data.
 */
export function RiskCurveSvg({
  curve,
  domain,
  label,
  describedBy,
  seriesLabel,
  tick,
}: {
  curve: RiskCurve;
  domain: TimeDomain;
  label: string;
  describedBy: string;
  seriesLabel: (key: string) => string;
  tick: (t: number) => string;
}) {
  const { t } = useTranslation();
  const x = (time: number) => xAt(domain, time, PLOT);
  const plotBottom = PLOT.top + PLOT.height;
  const incidentTop = plotBottom + 14;
  const measureTop = incidentTop + LANE_H + 8;
  const axisY = (curve.measures.length > 0 ? measureTop + LANE_H : incidentTop + LANE_H) + 16;
  const height = axisY + 6;
  return (
    <svg
      className="as-curve__svg"
      viewBox={`0 0 ${W} ${height}`}
      role="img"
      aria-label={label}
      aria-describedby={describedBy}
      focusable="false"
    >
      <g className="as-curve__frame">
        {LEVELS.map((level) => (
          <line
            key={level}
            x1={PLOT.left}
            x2={PLOT.left + PLOT.width}
            y1={yAt(level, PLOT)}
            y2={yAt(level, PLOT)}
            className={level === 0 ? 'as-curve__axis' : 'as-curve__grid'}
          />
        ))}
        <text x={PLOT.left - 8} y={yAt(1, PLOT) + 4} textAnchor="end" className="as-curve__label">
          {t('assessments.curve.highest')}
        </text>
        <text x={PLOT.left - 8} y={yAt(0, PLOT) + 4} textAnchor="end" className="as-curve__label">
          {t('assessments.curve.lowest')}
        </text>
        <text x={PLOT.left - 8} y={incidentTop + LANE_H / 2 + 4} textAnchor="end" className="as-curve__label">
          {t('assessments.curve.incidentsLane')}
        </text>
        {curve.measures.length > 0 && (
          <text x={PLOT.left - 8} y={measureTop + LANE_H / 2 + 4} textAnchor="end" className="as-curve__label">
            {t('assessments.curve.measuresLane')}
          </text>
        )}
        {ticksOf(domain, 5).map((time) => (
          <text key={time} x={x(time)} y={axisY} textAnchor="middle" className="as-curve__label">
            {tick(time)}
          </text>
        ))}
      </g>
      {curve.changes.map((c) => (
        <g key={c.id} className="as-curve__change">
          <line x1={x(c.t)} x2={x(c.t)} y1={PLOT.top - 10} y2={plotBottom} />
          <text
            x={Math.min(PLOT.left + PLOT.width, Math.max(PLOT.left, x(c.t)))}
            y={PLOT.top - 14}
            textAnchor="middle"
            className="as-curve__label"
          >
            {c.sameModel ? `${c.from.version} → ${c.to.version}` : t('assessments.curve.otherModel')}
          </text>
        </g>
      ))}
      {curve.incidents.map((m) => (
        <IncidentMark key={m.id} x={x(m.t)} top={incidentTop} plotTop={PLOT.top} />
      ))}
      {curve.measures.map((m) => (
        <rect
          key={m.id}
          x={x(m.t) - 4}
          y={measureTop + 3}
          width={8}
          height={LANE_H - 6}
          fill="#ffffff"
          stroke={MEASURE_COLOUR}
          strokeWidth={2}
        />
      ))}
      {curve.series.map((s, index) => {
        const style = styleOf(curve.series, s.key);
        // Series a little apart, so that equal values on one day show every marker, not the last drawn.
        const dx = ((index % 5) - 2) * 3;
        return (
          <g key={s.key} className="as-curve__series">
            {runsOf(s.points).map((run) => (
              <path
                key={run[0]?.id ?? ''}
                d={linePath(run.map((p) => ({ x: x(p.t) + dx, y: yAt(p.level ?? 0, PLOT) })))}
                fill="none"
                stroke={style.colour}
                strokeWidth={2}
                strokeDasharray={style.dash}
              />
            ))}
            {s.points.map((p) =>
              p.level === null ? null : (
                <Marker key={p.id} style={style} cx={x(p.t) + dx} cy={yAt(p.level, PLOT)} title={seriesLabel(s.key)} />
              ),
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** An incident: a bar in its lane and a faint rule up through the curve, to see what followed it. */
function IncidentMark({ x, top, plotTop }: { x: number; top: number; plotTop: number }) {
  return (
    <g className="as-curve__incident">
      <line x1={x} x2={x} y1={plotTop} y2={top} className="as-curve__incident-rule" />
      <rect x={x - 2} y={top + 1} width={4} height={LANE_H - 2} fill={INCIDENT_COLOUR} />
    </g>
  );
}

export function Marker({ style, cx, cy, title }: { style: SeriesStyle; cx: number; cy: number; title?: string }) {
  return (
    <path d={markerPath(style.shape, cx, cy, R)} fill={style.colour} stroke="#ffffff" strokeWidth={1}>
      {title !== undefined && <title>{title}</title>}
    </path>
  );
}
