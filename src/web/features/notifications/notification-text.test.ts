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
  review: null,
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

const LINA = { id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', displayName: 'Lina Lead' };

test('a grant names the case and who granted it, and leads to the case', () => {
  const grant: Notification = { ...base, kind: 'grant', report: null, case: CASE, actor: LINA };
  assert.deepEqual(say(grant), {
    words: 'Lina Lead made you a member of TM-2026-0007',
    target: { kind: 'case', id: CASE.id },
  });
  assert.equal(say(grant, 'de').words, 'Lina Lead hat Sie zum Mitglied von TM-2026-0007 gemacht');
});

test('a revocation names the case only while the user still reaches it', () => {
  const revoke: Notification = { ...base, kind: 'revoke', report: null, case: CASE, actor: LINA };
  assert.deepEqual(say(revoke), {
    words: 'Lina Lead ended your membership of TM-2026-0007',
    target: { kind: 'case', id: CASE.id },
  });
  const gone: Notification = { ...revoke, case: null };
  assert.deepEqual(say(gone), { words: 'Your membership of a case was ended by Lina Lead', target: null });
  assert.equal(say(gone, 'de').words, 'Ihre Mitgliedschaft in einem Fall wurde von Lina Lead beendet');
  // As the server sends it for a case out of reach: nobody named either.
  const unnamed: Notification = { ...gone, actor: null };
  assert.deepEqual(say(unnamed), { words: 'Your membership of a case was ended', target: null });
  assert.equal(say(unnamed, 'de').words, 'Ihre Mitgliedschaft in einem Fall wurde beendet');
  for (const n of [gone, unnamed])
    for (const lng of ['en', 'de']) assert.doesNotMatch(say(n, lng).words, /TM-|—|undefined|\{\{/);
});

test('a grant or a revocation without who did it reads without a gap', () => {
  const grant: Notification = { ...base, kind: 'grant', report: null, case: CASE, actor: null };
  assert.deepEqual(say(grant), {
    words: 'You were made a member of TM-2026-0007',
    target: { kind: 'case', id: CASE.id },
  });
  assert.equal(say(grant, 'de').words, 'Sie wurden zum Mitglied von TM-2026-0007 gemacht');
  const revoke: Notification = { ...grant, kind: 'revoke' };
  assert.equal(say(revoke).words, 'Your membership of TM-2026-0007 was ended');
  assert.equal(say(revoke, 'de').words, 'Ihre Mitgliedschaft in TM-2026-0007 wurde beendet');
  assert.deepEqual(say({ ...grant, case: null, actor: LINA }), {
    words: 'Lina Lead made you a member of a case you no longer reach',
    target: null,
  });
});
