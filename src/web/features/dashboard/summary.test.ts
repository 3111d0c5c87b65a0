import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dashboard, DashboardReport } from '../../../contract/dashboard.ts';
import { relativeParts, scaleTop, todaySummary } from './summary.ts';

const report = (next: DashboardReport['next'], state: DashboardReport['state']): DashboardReport => ({
  id: '00000000-0000-4000-8000-000000000001',
  reference: 'R-AAAA-BBBB',
  urgency: 'normal',
  receivedOn: '2026-03-01',
  next,
  by: '2026-03-08',
  state,
  case: null,
});

const reports = (items: DashboardReport[], overdue: number, untriaged = 0): Dashboard['reports'] => ({
  items,
  untriaged,
  overdue,
  perWeek: [],
});

test('overdue deadlines are counted by kind; those beyond the list as more', () => {
  const items = [
    report('acknowledge', 'overdue'),
    report('acknowledge', 'overdue'),
    report('feedback', 'overdue'),
    report('acknowledge', 'due_soon'),
    report('feedback', 'in_time'),
  ];
  const summary = todaySummary({ reports: reports(items, 5, 4), team: null });
  assert.deepEqual(summary, {
    overdueAcknowledgements: 2,
    overdueFeedback: 1,
    overdueMore: 2,
    dueSoon: 1,
    untriaged: 4,
    unled: 0,
    ageing: 0,
  });
});

test('without reports or team, nothing is counted', () => {
  const none = {
    overdueAcknowledgements: 0,
    overdueFeedback: 0,
    overdueMore: 0,
    dueSoon: 0,
    untriaged: 0,
    unled: 0,
    ageing: 0,
  };
  assert.deepEqual(todaySummary({ reports: null, team: null }), none);
  assert.deepEqual(todaySummary({ reports: reports([report('feedback', 'in_time')], 0), team: null }), none);
});

test('a recent moment is relative, an older one is not', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  assert.deepEqual(relativeParts('2026-03-10T11:59:30Z', now), { value: 0, unit: 'second' });
  assert.deepEqual(relativeParts('2026-03-10T12:00:05Z', now), { value: 0, unit: 'second' });
  assert.deepEqual(relativeParts('2026-03-10T11:15:00Z', now), { value: -45, unit: 'minute' });
  assert.deepEqual(relativeParts('2026-03-10T07:00:00Z', now), { value: -5, unit: 'hour' });
  assert.deepEqual(relativeParts('2026-03-08T12:00:00Z', now), { value: -2, unit: 'day' });
  assert.equal(relativeParts('2026-03-01T12:00:00Z', now), null);
});

test('the scale of a chart rounds its tallest bar up', () => {
  assert.equal(scaleTop([]), 1);
  assert.equal(scaleTop([0, 0]), 1);
  assert.equal(scaleTop([3, 1]), 3);
  assert.equal(scaleTop([7]), 10);
  assert.equal(scaleTop([12]), 20);
  assert.equal(scaleTop([21]), 25);
  assert.equal(scaleTop([40]), 50);
  assert.equal(scaleTop([100]), 100);
});
