import { type KeyboardEvent, type PointerEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Bucket, type DayWindow, daysBetween, inRange, spanOf } from './chart-math.ts';
import { GROUP_COLOURS, KIND_GROUPS, TAG_COLOUR } from './kinds.ts';

/** The drawing's own units: the SVG scales to the width it is given. */
const W = 720;
const PAD_X = 8;
const BAR_TOP = 22;
const BAR_H = 110;
const TAG_TOP = BAR_TOP + BAR_H + 22;
const TAG_H = 20;
const AXIS_Y = TAG_TOP + TAG_H + 18;
const H = AXIS_Y + 6;
const PLOT_W = W - 2 * PAD_X;
const TICKS = 6;

/** The range being chosen: from the bucket where it began to the one it has reached. */
interface Pending {
  readonly anchor: number;
  readonly current: number;
}

/**
 * The chart's drawing: a bar per bucket, its entries stacked by kind group, and the warning
 * behaviours in a lane below. Each bucket is a button; the buttons are one tab stop, arrow keys
 * (and Home, End) move between them, Enter or Space shows the bucket's days in the list, Shift
 * with an arrow widens the range first. With a mouse or a finger: click a bucket, or drag across
 * several.
 */
export function ChartSvg({
  window: w,
  buckets,
  from,
  to,
  describedBy,
  label,
  tick,
  onSelect,
}: {
  window: DayWindow;
  buckets: readonly Bucket[];
  from: string;
  to: string;
  describedBy: string;
  label: (bucket: Bucket) => string;
  tick: (day: string) => string;
  onSelect: (a: number, b: number) => void;
}) {
  const { t } = useTranslation();
  const hatch = `${useId()}-hatch`;
  const svg = useRef<SVGSVGElement>(null);
  const refs = useRef(new Map<number, SVGGElement>());
  const [focus, setFocus] = useState(0);
  const [pending, setPending] = useState<Pending | null>(null);
  const [dragging, setDragging] = useState(false);
  const active = Math.min(focus, buckets.length - 1);
  const dayW = PLOT_W / spanOf(w);
  const xOf = (b: Bucket) => PAD_X + daysBetween(w.start, b.start) * dayW;
  const widthOf = (b: Bucket) => (daysBetween(b.start, b.end) + 1) * dayW;
  const maxTotal = Math.max(1, ...buckets.map((b) => b.total));
  const maxTags = Math.max(1, ...buckets.map((b) => b.tagTotal));
  const size = buckets[0] === undefined ? 1 : daysBetween(buckets[0].start, buckets[0].end) + 1;

  const indexAt = (clientX: number): number => {
    const box = svg.current?.getBoundingClientRect();
    if (box === undefined || box.width === 0) return active;
    const x = ((clientX - box.left) / box.width) * W;
    const index = Math.floor(Math.floor((x - PAD_X) / dayW) / size);
    return Math.max(0, Math.min(buckets.length - 1, index));
  };
  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(buckets.length - 1, index));
    setFocus(next);
    refs.current.get(next)?.focus();
    return next;
  };
  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowUp: 1, ArrowDown: -1 };
    if (event.key in step || event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      const target =
        event.key === 'Home' ? 0 : event.key === 'End' ? buckets.length - 1 : index + (step[event.key] ?? 0);
      const next = moveTo(target);
      setPending(event.shiftKey ? { anchor: pending?.anchor ?? index, current: next } : null);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(pending?.anchor ?? index, index);
      setPending(null);
    } else if (event.key === 'Escape' && pending !== null) {
      event.preventDefault();
      setPending(null);
    }
  };
  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return;
    const index = indexAt(event.clientX);
    svg.current?.setPointerCapture(event.pointerId);
    setDragging(true);
    setPending({ anchor: index, current: index });
    setFocus(index);
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    if (!dragging || pending === null) return;
    const index = indexAt(event.clientX);
    if (index !== pending.current) setPending({ ...pending, current: index });
  };
  const onPointerUp = (event: PointerEvent<SVGSVGElement>) => {
    if (!dragging || pending === null) return;
    const index = indexAt(event.clientX);
    setDragging(false);
    setPending(null);
    moveTo(index);
    onSelect(pending.anchor, index);
  };
  const cancel = () => {
    setDragging(false);
    setPending(null);
  };

  const chosen = from !== '' || to !== '' ? buckets.filter((b) => inRange(b, from, to)) : [];
  const firstChosen = chosen[0];
  const lastChosen = chosen.at(-1);
  const inPending = (i: number) =>
    pending !== null &&
    i >= Math.min(pending.anchor, pending.current) &&
    i <= Math.max(pending.anchor, pending.current);
  const every = Math.max(1, Math.ceil(buckets.length / TICKS));

  return (
    // biome-ignore lint/a11y/useSemanticElements: the chart's buttons are SVG shapes; a fieldset cannot hold them.
    <svg
      ref={svg}
      className="tl-chart__svg"
      viewBox={`0 0 ${W} ${H}`}
      role="group"
      aria-roledescription={t('timeline.chart.roleDescription')}
      aria-label={t('timeline.chart.label')}
      aria-describedby={describedBy}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={cancel}
      onLostPointerCapture={cancel}
    >
      <defs>
        <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" fill={GROUP_COLOURS.recorded} />
          <line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" strokeWidth="2" />
        </pattern>
      </defs>
      {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: the frame holds no control; the summary says what it shows. */}
      <g aria-hidden="true" className="tl-chart__frame">
        <text x={PAD_X} y={BAR_TOP - 8} className="tl-chart__lane">
          {t('timeline.chart.entriesLane')}
        </text>
        <text x={PAD_X} y={TAG_TOP - 6} className="tl-chart__lane">
          {t('timeline.chart.tagsLane')}
        </text>
        {firstChosen !== undefined && lastChosen !== undefined && (
          <rect
            className="tl-chart__selection"
            x={xOf(firstChosen)}
            y={BAR_TOP - 4}
            width={xOf(lastChosen) + widthOf(lastChosen) - xOf(firstChosen)}
            height={TAG_TOP + TAG_H - BAR_TOP + 8}
          />
        )}
        <line x1={PAD_X} x2={W - PAD_X} y1={BAR_TOP + BAR_H} y2={BAR_TOP + BAR_H} className="tl-chart__axis" />
        <line x1={PAD_X} x2={W - PAD_X} y1={TAG_TOP + TAG_H / 2} y2={TAG_TOP + TAG_H / 2} className="tl-chart__rule" />
        {buckets.map((b, i) =>
          i % every === 0 ? (
            <text key={b.start} x={xOf(b)} y={AXIS_Y} className="tl-chart__tick">
              {tick(b.start)}
            </text>
          ) : null,
        )}
      </g>
      {buckets.map((b, i) => {
        const x = xOf(b);
        const width = widthOf(b);
        const gap = Math.min(2, width * 0.2);
        let y = BAR_TOP + BAR_H;
        const tagR = b.tagTotal === 0 ? 0 : 3 + 5 * Math.sqrt(b.tagTotal / maxTags);
        return (
          // biome-ignore lint/a11y/useSemanticElements: an SVG bucket cannot be an HTML button; it acts as one.
          <g
            key={b.start}
            ref={(element) => {
              if (element) refs.current.set(i, element);
              else refs.current.delete(i);
            }}
            role="button"
            tabIndex={i === active ? 0 : -1}
            aria-label={label(b)}
            className={`tl-chart__bucket${inPending(i) ? ' tl-chart__bucket--pending' : ''}`}
            onKeyDown={(event) => onKeyDown(event, i)}
            onFocus={() => setFocus(i)}
          >
            <rect
              className="tl-chart__hit"
              x={x}
              y={BAR_TOP - 4}
              width={width}
              height={TAG_TOP + TAG_H - BAR_TOP + 8}
            />
            {KIND_GROUPS.map((g) => {
              const count = b.groups[g];
              if (count === 0) return null;
              const height = Math.max(2, (count / maxTotal) * BAR_H);
              y -= height;
              return (
                <rect
                  key={g}
                  x={x + gap / 2}
                  y={y}
                  width={Math.max(1, width - gap)}
                  height={height}
                  fill={g === 'recorded' ? `url(#${hatch})` : GROUP_COLOURS[g]}
                />
              );
            })}
            {tagR > 0 && (
              <path
                d={`M ${x + width / 2} ${TAG_TOP + TAG_H / 2 - tagR} l ${tagR} ${tagR} l ${-tagR} ${tagR} l ${-tagR} ${-tagR} Z`}
                fill={TAG_COLOUR}
              />
            )}
            <rect
              className="tl-chart__focus"
              x={x + 0.5}
              y={BAR_TOP - 3.5}
              width={Math.max(1, width - 1)}
              height={TAG_TOP + TAG_H - BAR_TOP + 7}
            />
          </g>
        );
      })}
    </svg>
  );
}
