import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ChartCounts, chartCounts } from '../../../contract/timeline.ts';
import {
  addDays,
  bucketSize,
  bucketsOf,
  canZoomIn,
  canZoomOut,
  clampWindow,
  daysBetween,
  domainOf,
  inRange,
  MAX_BUCKETS,
  pan,
  rangeOf,
  spanOf,
  zoomIn,
  zoomOut,
} from './chart-math.ts';
import { groupOf, readsTimeline } from './kinds.ts';

const chart: ChartCounts = {
  days: [
    { on: '2026-03-02', kind: 'incident', count: 2 },
    { on: '2026-03-02', kind: 'opened', count: 1 },
    { on: '2026-03-09', kind: 'conversation', count: 1 },
    { on: '2026-03-10', kind: 'exculpatory', count: 1 },
    { on: '2026-03-10', kind: 'note', count: 3 },
  ],
  tags: [
    { on: '2026-03-02', tag: 'fixation', count: 1 },
    { on: '2026-03-10', tag: 'leakage', count: 2 },
  ],
};

test('days count across months, years and clock changes alike', () => {
  assert.equal(addDays('2026-02-28', 1), '2026-03-01');
  assert.equal(addDays('2026-01-01', -1), '2025-12-31');
  assert.equal(addDays('2026-03-28', 2), '2026-03-30');
  assert.equal(daysBetween('2026-03-01', '2026-04-01'), 31);
  assert.equal(daysBetween('2026-04-01', '2026-03-01'), -31);
  assert.equal(spanOf({ start: '2026-03-01', end: '2026-03-01' }), 1);
});

test('the domain runs from the first entry to today, at least a week', () => {
  assert.deepEqual(domainOf(chart, '2026-03-20'), { start: '2026-03-02', end: '2026-03-20' });
  // Entries after today (the company's day may be ahead of the browser's): the last entry ends it.
  assert.deepEqual(domainOf(chart, '2026-03-05'), { start: '2026-03-02', end: '2026-03-10' });
  const one: ChartCounts = { days: [{ on: '2026-03-10', kind: 'note', count: 1 }], tags: [] };
  assert.deepEqual(domainOf(one, '2026-03-10'), { start: '2026-03-04', end: '2026-03-10' });
  assert.equal(domainOf({ days: [], tags: [] }, '2026-03-10'), null);
});

test('buckets: a day each for short windows, longer ones keep the bars few', () => {
  assert.equal(bucketSize(30), 1);
  assert.equal(bucketSize(MAX_BUCKETS), 1);
  assert.equal(bucketSize(MAX_BUCKETS + 1), 7);
  assert.equal(bucketSize(365), 7);
  assert.equal(bucketSize(3650), 91);
  for (const span of [1, 61, 62, 63, 400, 1000, 5000, 40_000])
    assert.ok(Math.ceil(span / bucketSize(span)) <= MAX_BUCKETS, `span ${span}`);
});

test('buckets count entries by kind group, and warning behaviours beside them', () => {
  const buckets = bucketsOf(chart, { start: '2026-03-01', end: '2026-03-14' });
  assert.equal(buckets.length, 14);
  const second = buckets[1];
  assert.deepEqual(second?.groups, { incident: 2, conversation: 0, exculpatory: 0, note: 0, recorded: 1 });
  assert.equal(second?.total, 3);
  assert.deepEqual(second?.tags, { fixation: 1 });
  const tenth = buckets[9];
  assert.equal(tenth?.start, '2026-03-10');
  assert.deepEqual(tenth?.groups, { incident: 0, conversation: 0, exculpatory: 1, note: 3, recorded: 0 });
  assert.equal(tenth?.tagTotal, 2);
  assert.equal(
    buckets.reduce((sum, b) => sum + b.total, 0),
    8,
  );
});

test('weekly buckets: the last one may be shorter, days outside the window are left out', () => {
  const buckets = bucketsOf(chart, { start: '2026-03-02', end: '2026-03-10' }, 7);
  assert.deepEqual(
    buckets.map((b) => [b.start, b.end, b.total]),
    [
      ['2026-03-02', '2026-03-08', 3],
      ['2026-03-09', '2026-03-10', 5],
    ],
  );
  const part = bucketsOf(chart, { start: '2026-03-03', end: '2026-03-09' }, 1);
  assert.equal(
    part.reduce((sum, b) => sum + b.total, 0),
    1,
  );
});

test('a chosen range of buckets names its first and last day, in either order', () => {
  const buckets = bucketsOf(chart, { start: '2026-03-02', end: '2026-03-22' }, 7);
  assert.deepEqual(rangeOf(buckets, 2, 1), { from: '2026-03-09', to: '2026-03-22' });
  assert.deepEqual(rangeOf(buckets, 0, 0), { from: '2026-03-02', to: '2026-03-08' });
  assert.equal(rangeOf(buckets, 0, 9), undefined);
  const first = buckets[0];
  assert.ok(first !== undefined && inRange(first, '2026-03-08', ''));
  assert.ok(first !== undefined && !inRange(first, '2026-03-09', '2026-03-20'));
  assert.ok(first !== undefined && inRange(first, '', ''));
});

test('zooming halves and doubles the window around its middle, within the domain', () => {
  const domain = { start: '2026-01-01', end: '2026-12-31' };
  const inOnce = zoomIn(domain, domain);
  assert.equal(spanOf(inOnce), 183);
  assert.ok(inOnce.start >= domain.start && inOnce.end <= domain.end);
  const focused = zoomIn(domain, domain, '2026-01-05');
  assert.equal(focused.start, '2026-01-01');
  let w = domain;
  for (let i = 0; i < 20; i++) w = zoomIn(w, domain);
  assert.equal(spanOf(w), 7);
  assert.equal(canZoomIn(w, domain), false);
  assert.equal(canZoomOut(w, domain), true);
  for (let i = 0; i < 20; i++) w = zoomOut(w, domain);
  assert.deepEqual(w, domain);
  assert.equal(canZoomOut(w, domain), false);
});

test('moving the window stops at the ends of the domain; a window larger than the domain shrinks', () => {
  const domain = { start: '2026-03-01', end: '2026-03-31' };
  const w = { start: '2026-03-10', end: '2026-03-19' };
  assert.deepEqual(pan(w, domain, -1), { start: '2026-03-05', end: '2026-03-14' });
  assert.deepEqual(pan(pan(pan(w, domain, -1), domain, -1), domain, -1), { start: '2026-03-01', end: '2026-03-10' });
  assert.deepEqual(pan(pan(pan(w, domain, 1), domain, 1), domain, 1), { start: '2026-03-22', end: '2026-03-31' });
  assert.deepEqual(clampWindow({ start: '2026-02-01', end: '2026-05-01' }, domain), domain);
});

test('kind groups, and who reads the timeline', () => {
  assert.equal(groupOf('observation'), 'incident');
  assert.equal(groupOf('measure_note'), 'note');
  assert.equal(groupOf('document_uploaded'), 'recorded');
  const access = {
    kind: 'member' as const,
    role: 'member' as const,
    fullScope: false,
    sections: ['documents' as const],
    expiresAt: null,
    canEdit: false,
    canManageMembers: false,
    canReadAccessLog: false,
    canOversee: false,
    canBreakGlass: false,
    canMerge: false,
  };
  const detail = { access } as Parameters<typeof readsTimeline>[0];
  assert.equal(readsTimeline(detail), false);
  assert.equal(readsTimeline({ ...detail, access: { ...access, sections: ['timeline'] } }), true);
  assert.equal(readsTimeline({ ...detail, access: { ...access, fullScope: true, sections: [] } }), true);
  assert.equal(readsTimeline({ ...detail, access: { ...access, kind: 'break_glass' } }), true);
  assert.equal(readsTimeline({ ...detail, access: { ...access, kind: 'list', fullScope: true } }), false);
});

test('the chart as the server sends it (days since 1970-01-01 per kind) turns into counts per day', () => {
  const counts = chartCounts({
    kinds: [
      { kind: 'incident', days: [-1, 0, 20_513], counts: [1, 2, 3] },
      { kind: 'note', days: [20_513], counts: [1] },
    ],
    tags: [{ tag: 'leakage', days: [20_513], counts: [2] }],
  });
  assert.deepEqual(counts.days, [
    { on: '1969-12-31', kind: 'incident', count: 1 },
    { on: '1970-01-01', kind: 'incident', count: 2 },
    { on: '2026-03-01', kind: 'incident', count: 3 },
    { on: '2026-03-01', kind: 'note', count: 1 },
  ]);
  assert.deepEqual(counts.tags, [{ on: '2026-03-01', tag: 'leakage', count: 2 }]);
});
