import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AssessmentDetail, AssessmentList } from '../../src/contract/assessments.ts';
import type { Dashboard } from '../../src/contract/dashboard.ts';
import type { NotificationList } from '../../src/contract/notifications.ts';
import {
  reviewRemindersJob,
  scheduleReviewReminders,
  sendReviewReminders,
} from '../../src/server/assessments/reminders.job.ts';
import { reviewState } from '../../src/server/assessments/review.ts';
import { manualClock } from '../../src/server/platform/clock.ts';
import { JobWorker } from '../../src/server/platform/jobs/queue.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';
import { publishedModel, screenSource } from '../support/models.ts';

const DAY = 86_400_000;
const quiet = { warn() {}, error() {} };
const SCREEN = { key: 'tma_warning_behaviour_screen', version: '1.0.0' };

test('a review is in time, due within two days, or overdue the day after its date', () => {
  assert.equal(reviewState(null, '2026-03-10'), null);
  assert.equal(reviewState('2026-03-17', '2026-03-14'), 'in_time');
  assert.equal(reviewState('2026-03-17', '2026-03-15'), 'due_soon');
  assert.equal(reviewState('2026-03-17', '2026-03-17'), 'due_soon');
  assert.equal(reviewState('2026-03-17', '2026-03-18'), 'overdue');
});

/**
 * Re-assessment (docs/assessments.md): the standing assessment's review date from the model's
 * schedule, an incident tagged with warning behaviours written since it, both on the dashboard of
 * those who read the case's assessments and as reminders in the lead's bell, once each.
 */
for (const engine of engines()) {
  describe(`re-assessment on ${engine}`, () => {
    let t: TestApp;
    const clock = manualClock(new Date('2026-03-10T09:00:00Z'));
    const emails = { lead: '', narrow: '', expert: '' };
    let lead: Browser;
    let narrow: Browser;
    let expert: Browser;
    let caseId: string;
    const signInAll = async () => {
      lead = await signIn(t, emails.lead);
      await stepUp(t, lead);
      narrow = await signIn(t, emails.narrow);
      expert = await signIn(t, emails.expert);
    };
    before(async () => {
      t = await buildTestApp(engine, { clock, env: { TMA_TIME_ZONE: 'Europe/Berlin' } });
      const admin = await signIn(t, (await createAccount(t, 'admin')).email);
      const teamLead = await signIn(t, (await createAccount(t, 'team_lead')).email);
      await stepUp(t, teamLead);
      await publishedModel(t, admin, teamLead, screenSource);
      emails.lead = (await createAccount(t, 'threat_manager')).email;
      const n = await createAccount(t, 'threat_manager');
      emails.narrow = n.email;
      const e = await createAccount(t, 'expert');
      emails.expert = e.email;
      await signInAll();
      caseId = (await openCase(t, lead)).id;
      // Reads the assessments, not the timeline; the expert reads the timeline, not the assessments.
      await grant(t, lead, caseId, { userId: n.id, role: 'member', fullScope: false, sections: ['assessments'] });
      await grant(t, lead, caseId, { userId: e.id, role: 'expert', fullScope: false, sections: ['timeline'] });
    });
    after(() => t.close());

    const base = () => `/api/cases/${caseId}/assessments`;
    const list = async (b: Browser): Promise<AssessmentList> => {
      const res = await call(t, b, 'GET', base());
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const dashboard = async (b: Browser): Promise<Dashboard> => {
      const res = await call(t, b, 'GET', '/api/dashboard');
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const bell = async (b: Browser) =>
      ((await call(t, b, 'GET', '/api/notifications')).json() as NotificationList).notifications.filter(
        (n) => n.kind === 'review',
      );
    const incident = async (tags: string[]) => {
      const res = await call(t, lead, 'POST', `/api/cases/${caseId}/timeline`, {
        kind: 'incident',
        occurredOn: '2026-03-09',
        title: 'Seen at the car park again',
        tags,
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().id as string;
    };
    /** A single assessment on the screen with this priority, finalised now. */
    const assess = async (priority: string): Promise<AssessmentDetail> => {
      const started = await call(t, lead, 'POST', base(), { model: SCREEN, kind: 'single' });
      assert.equal(started.statusCode, 201, started.body);
      const a = started.json() as AssessmentDetail;
      const saved = await call(t, lead, 'PUT', `${base()}/${a.id}`, {
        expectedVersion: a.version,
        ratings: {
          pathway: { presence: 'absent' },
          energy_burst: { presence: 'absent' },
          last_resort: { presence: 'absent' },
          weapon_access: { presence: 'absent' },
        },
        judgments: {
          priority: { value: priority, rationale: 'As the conference agreed.' },
          imminence: { value: 'none_apparent', rationale: 'Nothing planned.' },
          severity: { value: 'low', rationale: 'Words only.' },
        },
      });
      assert.equal(saved.statusCode, 200, saved.body);
      const final = await call(t, lead, 'POST', `${base()}/${a.id}/finalise`, {
        expectedVersion: saved.json().version,
      });
      assert.equal(final.statusCode, 200, final.body);
      return final.json();
    };

    test('the model’s schedule sets the review date; an incident tagged with warning behaviours asks for a re-assessment', async () => {
      await incident(['fixation']);
      assert.equal((await list(lead)).review, null, 'never assessed: no review');
      const first = await assess('high');
      assert.equal(first.reviewDue, '2026-03-17', 'high: 7 days');
      assert.deepEqual((await list(lead)).review, { due: '2026-03-17', state: 'in_time', prompt: null });
      // An incident without warning behaviours, or written before the assessment, asks for nothing.
      await incident([]);
      assert.equal((await list(lead)).review?.prompt, null);
      clock.advance(60_000);
      const tagged = await incident(['leakage']);
      const review = (await list(lead)).review;
      assert.equal(review?.prompt?.entryId, tagged);
      assert.equal((await list(narrow)).review?.prompt, null, 'the incident only to readers of the timeline');
      assert.deepEqual(
        (await dashboard(lead)).reviews.map((r) => [r.case.id, r.state, r.prompted]),
        [[caseId, 'in_time', true]],
      );
      assert.deepEqual((await dashboard(narrow)).reviews, [], 'in time, and the incident is not theirs to know');
      assert.deepEqual((await dashboard(expert)).reviews, [], 'no assessments section: nothing of them');
    });

    test('a passed review date is overdue on the dashboard; the lead is reminded once per reason', async () => {
      clock.advance(6 * DAY);
      await signInAll();
      assert.equal((await list(lead)).review?.state, 'due_soon');
      clock.advance(2 * DAY);
      await signInAll();
      const [overdue] = (await dashboard(narrow)).reviews;
      assert.deepEqual(
        [overdue?.case.id, overdue?.due, overdue?.state, overdue?.prompted],
        [caseId, '2026-03-17', 'overdue', false],
      );
      const options = { clock, timeZone: 'Europe/Berlin' };
      // Through the queue, as the server runs it: the hourly schedule fires, the job sends both.
      await scheduleReviewReminders(t.database.db, options);
      const worker = new JobWorker(t.database.db, [reviewRemindersJob(t.database.db, options)], quiet);
      assert.equal(await worker.tick(), 1, 'the schedule ran the job');
      assert.equal(await worker.tick(), 0, 'the next run is an hour away');
      assert.equal(await sendReviewReminders(t.database.db, options), 0, 'once per reason');
      assert.deepEqual((await bell(lead)).map((n) => [n.case?.id, n.review?.reason, n.review?.due]).sort(), [
        [caseId, 'incident', '2026-03-17'],
        [caseId, 'overdue', '2026-03-17'],
      ]);
      assert.deepEqual(await bell(narrow), [], 'the lead is reminded');
    });

    test('a new assessment is the standing one: its own date, no prompt, the reminders anew', async () => {
      const next = await assess('moderate');
      assert.equal(next.reviewDue, '2026-04-17', 'moderate: 30 days from 18 March');
      assert.deepEqual((await list(lead)).review, { due: '2026-04-17', state: 'in_time', prompt: null });
      assert.deepEqual((await dashboard(lead)).reviews, []);
      assert.equal(await sendReviewReminders(t.database.db, { clock, timeZone: 'Europe/Berlin' }), 0);
      // A closed case is assessed no more.
      const detail = (await call(t, lead, 'GET', `/api/cases/${caseId}`)).json();
      const closed = await call(t, lead, 'POST', `/api/cases/${caseId}/status`, {
        expectedVersion: detail.version,
        status: 'closed',
        reason: 'Resolved after the conversation',
        closureReason: 'resolved',
      });
      assert.equal(closed.statusCode, 200, closed.body);
      assert.equal((await list(lead)).review, null);
    });
  });
}
