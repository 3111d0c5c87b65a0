import assert from 'node:assert/strict';
import { test } from 'node:test';
import i18next from 'i18next';
import { DEADLINE_STAGES, type Notification } from '../../../contract/notifications.ts';
import de from '../../i18n/de.json' with { type: 'json' };
import en from '../../i18n/en.json' with { type: 'json' };
import { notificationText } from './notification-text.ts';

const i18n = i18next.createInstance();
await i18n.init({
  resources: { en: { translation: en }, de: { translation: de } },
  lng: 'en',
  interpolation: { escapeValue: false },
});

const format = { when: (iso: string) => `at ${iso}`, day: (day: string) => `day ${day}` };
const REPORT = { id: '5b0a3c1e-2f4d-4e6a-9b7c-8d9e0f1a2b3c', reference: 'R-K7QM-3VXH' };
const CASE = { id: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', reference: 'TM-2026-0007' };
const base: Notification = {
  id: '6f5e4d3c-2b1a-4098-8765-43210fedcba9',
  kind: 'urgent_report',
  case: null,
  report: REPORT,
  deadline: null,
  actor: null,
  at: '2026-12-01T08:00:00.000Z',
  until: null,
  read: false,
};
const say = (n: Notification, lng = 'en') => notificationText(n, i18n.getFixedT(lng), format);

test('a deadline names the report and its day, and leads to the report in triage', () => {
  const expected = {
    acknowledge_soon: 'Report R-K7QM-3VXH: acknowledgement due by day 2026-12-07',
    acknowledge_overdue: 'Report R-K7QM-3VXH: acknowledgement overdue (was due by day 2026-12-07)',
    feedback_soon: 'Report R-K7QM-3VXH: feedback due by day 2026-12-07',
    feedback_overdue: 'Report R-K7QM-3VXH: feedback overdue (was due by day 2026-12-07)',
  };
  for (const stage of DEADLINE_STAGES) {
    const n: Notification = { ...base, kind: 'deadline', deadline: { stage, by: '2026-12-07' } };
    assert.deepEqual(say(n), { words: expected[stage], target: { kind: 'report', id: REPORT.id } });
    // Every stage has its German words too, with the same reference and day.
    const german = say(n, 'de').words;
    assert.ok(german.startsWith('Meldung R-K7QM-3VXH:') && german.includes('day 2026-12-07'), german);
  }
});

test('an urgent report and a break-glass still read and lead as before', () => {
  assert.deepEqual(say(base), { words: 'Urgent report R-K7QM-3VXH', target: { kind: 'report', id: REPORT.id } });
  const glass: Notification = {
    ...base,
    kind: 'break_glass',
    report: null,
    case: CASE,
    actor: { id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', displayName: 'Tara Teamlead' },
    until: '2026-12-01T12:00:00.000Z',
  };
  assert.deepEqual(say(glass), {
    words: 'Tara Teamlead opened TM-2026-0007 by break-glass, until at 2026-12-01T12:00:00.000Z',
    target: { kind: 'case', id: CASE.id },
  });
});

test('what the server no longer names is said without a link', () => {
  assert.deepEqual(say({ ...base, kind: 'break_glass', case: null }).target, null);
  assert.match(say({ ...base, kind: 'break_glass', case: null }).words, /opened a case you no longer reach/);
  assert.deepEqual(say({ ...base, report: null }), { words: 'Urgent report —', target: null });
});
