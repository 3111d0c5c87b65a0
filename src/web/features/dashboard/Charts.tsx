import { scaleTop } from './summary.ts';

/**
 * The dashboard's small charts, drawn by hand in SVG. Each is one image (role="img") whose name
 * says what it shows, with every number; the bars only repeat that at a glance, and their colour
 * only repeats the label beside them.
 */
export interface Bar {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  /** A modifier of the bar's class (dash-bar--<tone>); the brand colour without one. */
  readonly tone?: string;
}

const COLUMN = { slot: 40, top: 18, area: 96, bottom: 24 } as const;

/** Columns side by side (reports per week): the count over each that has one, every other label under them. */
export function ColumnChart({ bars, label }: { bars: readonly Bar[]; label: string }) {
  const top = scaleTop(bars.map((b) => b.value));
  const width = COLUMN.slot * bars.length;
  const base = COLUMN.top + COLUMN.area;
  return (
    <svg
      className="dash-chart__svg dash-chart__svg--columns"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${base + COLUMN.bottom}`}
      focusable="false"
    >
      {bars.map((bar, i) => {
        const height = (bar.value / top) * COLUMN.area;
        const x = i * COLUMN.slot + COLUMN.slot * 0.15;
        const w = COLUMN.slot * 0.7;
        const centre = x + w / 2;
        const labelled = (bars.length - 1 - i) % (bars.length > 8 ? 2 : 1) === 0;
        return (
          <g key={bar.key}>
            <rect
              className={`dash-bar${bar.tone ? ` dash-bar--${bar.tone}` : ''}`}
              x={x}
              y={base - height}
              width={w}
              height={height}
            />
            {bar.value > 0 && (
              <text className="dash-chart__value" x={centre} y={base - height - 4} textAnchor="middle">
                {bar.value}
              </text>
            )}
            {labelled && (
              <text className="dash-chart__label" x={centre} y={base + 16} textAnchor="middle">
                {bar.label}
              </text>
            )}
          </g>
        );
      })}
      <line className="dash-chart__axis" x1={0} x2={width} y1={base} y2={base} />
    </svg>
  );
}

const ROWS = { label: 124, bar: 168, value: 32, row: 24 } as const;

/** Bars in rows (cases by status, by priority): the label before each bar, the count after it. */
export function RowChart({ bars, label }: { bars: readonly Bar[]; label: string }) {
  const top = scaleTop(bars.map((b) => b.value));
  const width = ROWS.label + ROWS.bar + ROWS.value;
  return (
    <svg
      className="dash-chart__svg dash-chart__svg--rows"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${Math.max(1, bars.length) * ROWS.row}`}
      focusable="false"
    >
      {bars.map((bar, i) => {
        const w = (bar.value / top) * ROWS.bar;
        const y = i * ROWS.row;
        return (
          <g key={bar.key}>
            <text className="dash-chart__label" x={ROWS.label - 8} y={y + ROWS.row / 2 + 4} textAnchor="end">
              {bar.label}
            </text>
            <rect
              className={`dash-bar${bar.tone ? ` dash-bar--${bar.tone}` : ''}`}
              x={ROWS.label}
              y={y + 5}
              width={w}
              height={ROWS.row - 10}
            />
            <text className="dash-chart__value" x={ROWS.label + w + 6} y={y + ROWS.row / 2 + 4}>
              {bar.value}
            </text>
          </g>
        );
      })}
      <line className="dash-chart__axis" x1={ROWS.label} x2={ROWS.label} y1={0} y2={bars.length * ROWS.row} />
    </svg>
  );
}
