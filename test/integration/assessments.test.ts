import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { AssessmentDetail } from '../../src/contract/assessments.ts';
import type { Browser } from '../support/accounts.ts';
import { call } from '../support/accounts.ts';
import {
  type AssessmentWorld,
  assessmentCalls,
  assessmentWorld,
  complete as completeWith,
  judged,
  SCREEN,
} from '../support/assessments.ts';
import { openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';
import { publishedModel, screenV2Source } from '../support/models.ts';

/**
 * Assessments of a case (docs/assessments.md): started on a published model version, rated with
 * the rules computed again at every save, finalised only when complete and then read-only; drafts
 * are their rater's alone; a consensus records dissent; the case's priority follows; the next
 * version starts from the mapped ratings. What each reader sees of them: assessments-scope.test.ts.
 */
for (const engine of engines()) {
  describe(`assessments on ${engine}`, () => {
    let w: AssessmentWorld;
    let t: AssessmentWorld['t'];
    let lead: Browser;
    let rater: Browser;
    let raterId: string;
    let expert: Browser;
    let admin: Browser;
    let teamLead: Browser;
    let caseId: string;
    let incidentId: string;
    before(async () => {
      w = await assessmentWorld(engine);
      ({ t, lead, rater, raterId, expert, admin, teamLead, caseId, incidentId } = w);
    });
    after(() => t.close());

    const { base, start, started, save, saved, finalise, list } = assessmentCalls(() => w);
    const casePriority = async () =>
      (await t.database.db.selectFrom('cases').select('priority').where('id', '=', caseId).executeTakeFirstOrThrow())
        .priority;
    const complete = completeWith();

    test('the rules are computed again at every save; finalising waits for what they and the model require', async () => {
      const draft = await started(lead, { model: SCREEN, kind: 'single' });
      assert.equal(draft.status, 'draft');
      assert.equal(draft.outcome.indicators.completeness, 0);
      const first = await saved(lead, draft, { ratings: { pathway: { presence: 'present' } } });
      assert.deepEqual(first.outcome.flags.sort(), ['consider_active_management', 'review_imminence_now']);
      assert.deepEqual(first.outcome.required.sort(), [
        'formulation',
        'pathway.evidence',
        'pathway.observed',
        'scenarios',
      ]);
      assert.equal(first.outcome.indicators.present_in_a, 1);
      const refused = await finalise(lead, first);
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().code, 'assessment_incomplete');
      const fields = (refused.json().blockers as { field: string; code: string }[]).map((b) => `${b.field} ${b.code}`);
      for (const expected of [
        'judgments.priority judgment_missing',
        'judgments.priority.rationale rationale_missing',
        'ratings.energy_burst.presence critical_unrated',
        'formulation required_missing',
        'scenarios required_missing',
        'pathway.evidence required_missing',
        'pathway.observed required_missing',
      ])
        assert.ok(fields.includes(expected), `${expected} in ${fields.join(', ')}`);
      // An unknown left on a critical item, or as a final judgment, is no judgment.
      const unknown = await saved(lead, first, {
        ...complete,
        ratings: {
          ...complete.ratings,
          pathway: { ...complete.ratings?.pathway, evidence: { entries: [incidentId] } },
          weapon_access: { presence: 'unknown' },
        },
        judgments: { ...judged('high'), imminence: { value: 'unknown', rationale: 'Not clear.' } },
      });
      const blockers = unknown.outcome.blockers.map((b) => `${b.field} ${b.code}`);
      assert.deepEqual(blockers.sort(), [
        'judgments.imminence judgment_unknown',
        'ratings.weapon_access.presence critical_unknown',
      ]);
      assert.equal((await finalise(lead, unknown)).json().code, 'assessment_incomplete');
      const ready = await saved(lead, unknown, {
        ...complete,
        ratings: {
          ...complete.ratings,
          pathway: { ...complete.ratings?.pathway, evidence: { entries: [incidentId] } },
        },
      });
      assert.deepEqual(ready.outcome.blockers, []);
      const final = await finalise(lead, ready);
      assert.equal(final.statusCode, 200, final.body);
      const done = final.json() as AssessmentDetail;
      assert.equal(done.status, 'final');
      assert.deepEqual(done.judgments, { priority: 'high', imminence: 'weeks_months', severity: 'serious' });
      assert.equal(done.priority, 3);
      assert.match(done.reviewDue ?? '', /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(await casePriority(), 3);
    });

    test('a finalised assessment is read-only, for the API and in the database; its content is sealed', async () => {
      const [done] = (await list(lead)).assessments;
      assert.ok(done);
      const detail = (await call(t, lead, 'GET', `${base()}/${done.id}`)).json() as AssessmentDetail;
      const again = await save(lead, detail, complete);
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().code, 'assessment_final');
      assert.equal((await finalise(lead, detail)).json().code, 'assessment_final');
      await assert.rejects(
        t.database.db.updateTable('assessments').set({ priority: 1 }).where('id', '=', done.id).execute(),
        /final/,
      );
      await assert.rejects(t.database.db.deleteFrom('assessments').where('id', '=', done.id).execute(), /final/);
      await assert.rejects(t.database.db.deleteFrom('assessments').execute(), /final/);
      await assert.rejects(
        t.database.db.executeQuery(sql`truncate assessments cascade`.compile(t.database.db)),
        // The trigger, for the owner; the application's role may not truncate at all.
        /cannot be truncated|permission denied/,
      );
      const row0 = await t.database.db
        .selectFrom('assessments')
        .selectAll()
        .where('id', '=', done.id)
        .executeTakeFirstOrThrow();
      await assert.rejects(
        t.database.db
          .insertInto('assessments')
          .values({ ...row0, id: crypto.randomUUID() })
          .execute(),
        /starts as a draft/,
      );
      // A draft's content changes; what it is does not.
      const draft = await started(lead, { model: SCREEN, kind: 'single' });
      await assert.rejects(
        t.database.db.updateTable('assessments').set({ rater_id: raterId }).where('id', '=', draft.id).execute(),
        /what it is cannot change/,
      );
      await assert.rejects(
        t.database.db
          .updateTable('assessments')
          .set({ kind: 'consensus', basis: [done.id] })
          .where('id', '=', draft.id)
          .execute(),
        /what it is cannot change/,
      );
      const row = await t.database.db
        .selectFrom('assessments')
        .selectAll()
        .where('id', '=', done.id)
        .executeTakeFirstOrThrow();
      for (const sealed of [row.content_sealed, row.judgments_sealed ?? new Uint8Array()])
        for (const plain of ['Grievance', 'shift lead', 'timeline shows', 'weeks_months'])
          assert.ok(!Buffer.from(sealed).includes(plain), `${plain} sealed`);
      // The priority it set is on the timeline, with the judgment's rationale kept sealed with the change.
      type Entry = { kind: string; change: { to: number; reason: string | null; assessment: string | null } | null };
      const priorities = async (b: Browser) =>
        ((await call(t, b, 'GET', `/api/cases/${caseId}/timeline`)).json().entries as Entry[]).filter(
          (e) => e.kind === 'priority',
        );
      assert.deepEqual(
        (await priorities(lead)).map((e) => e.change),
        [{ to: 3, from: null, reason: 'Because of what the timeline shows.', assessment: done.id }],
      );
      // The expert reads the timeline, not the assessments: the change, not the judgment's rationale.
      assert.deepEqual(
        (await priorities(expert)).map((e) => e.change),
        [{ to: 3, from: null, reason: null, assessment: null }],
      );
      // A manual change's reason is the timeline's to tell.
      const theCase = (await call(t, lead, 'GET', `/api/cases/${caseId}`)).json();
      const manual = await call(t, lead, 'POST', `/api/cases/${caseId}/priority`, {
        expectedVersion: theCase.version,
        priority: 2,
        reason: 'Calmer after the conversation',
      });
      assert.equal(manual.statusCode, 200, manual.body);
      const back = await call(t, lead, 'POST', `/api/cases/${caseId}/priority`, {
        expectedVersion: manual.json().version,
        priority: 3,
        reason: 'The assessment stands',
      });
      assert.equal(back.statusCode, 200, back.body);
      assert.deepEqual(
        (await priorities(expert)).map((e) => e.change?.reason),
        ['The assessment stands', 'Calmer after the conversation', null],
      );
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['action'])
        .where('object_type', '=', 'assessment')
        .where('object_id', '=', done.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        events.map((e) => e.action).filter((a) => a !== 'case.viewed'),
        ['assessment.started', 'assessment.saved', 'assessment.saved', 'assessment.saved', 'assessment.finalised'],
      );
    });

    test('each rater’s draft is theirs alone; a consensus records the agreed value and each dissent with its reason', async () => {
      const mine = await started(lead, { model: SCREEN, kind: 'rater' });
      const theirs = await started(rater, { model: SCREEN, kind: 'rater' });
      assert.ok(!(await list(lead)).assessments.some((a) => a.id === theirs.id));
      assert.ok(!(await list(rater)).assessments.some((a) => a.id === mine.id));
      const denials = async () =>
        (
          await t.database.db
            .selectFrom('audit_events')
            .select('id')
            .where('action', '=', 'case.denied')
            .where('case_id', '=', caseId)
            .execute()
        ).length;
      const deniedBefore = await denials();
      for (const [who, other] of [
        [lead, theirs],
        [rater, mine],
      ] as const) {
        assert.equal((await call(t, who, 'GET', `${base()}/${other.id}`)).statusCode, 404);
        assert.equal((await save(who, other, complete)).statusCode, 404);
      }
      // Reaching for another's draft is a refusal, recorded (once a minute per user and access).
      assert.equal(await denials(), deniedBefore + 4);
      // A dissent is a consensus's, by one of the raters it brings together.
      const notConsensus = await save(lead, mine, {
        judgments: {
          priority: { value: 'high', rationale: 'x', dissents: [{ rater: raterId, value: 'low', reason: 'y' }] },
        },
      });
      assert.equal(notConsensus.json().errors?.[0]?.path, 'judgments.priority.dissents.0.rater');
      const withEvidence = {
        ...complete,
        ratings: {
          ...complete.ratings,
          pathway: { ...complete.ratings?.pathway, evidence: { entries: [incidentId] } },
        },
      };
      // The lead sees a grievance; the second rater does not.
      const a = await saved(lead, mine, {
        ...withEvidence,
        ratings: { ...withEvidence.ratings, grievance: { presence: 'present' } },
        judgments: judged('acute', 'Research into where the lead parks.'),
      });
      const b = await saved(rater, theirs, withEvidence);
      // A rater's finalised rating does not set the case's priority: the consensus does.
      assert.equal((await finalise(lead, a)).statusCode, 200);
      assert.equal((await finalise(rater, b)).statusCode, 200);
      assert.equal(await casePriority(), 3);
      const tooFew = await start(lead, { model: SCREEN, kind: 'consensus', basis: [a.id] });
      assert.equal(tooFew.json().code, 'basis_invalid');
      const otherCase = (await openCase(t, lead)).id;
      const elsewhere = await call(t, lead, 'POST', `/api/cases/${otherCase}/assessments`, {
        model: SCREEN,
        kind: 'consensus',
        basis: [a.id, b.id],
      });
      assert.equal(elsewhere.json().code, 'basis_invalid', "another case's ratings");
      const aDraft = await started(rater, { model: SCREEN, kind: 'rater' });
      assert.equal(
        (await start(lead, { model: SCREEN, kind: 'consensus', basis: [a.id, aDraft.id] })).json().code,
        'basis_invalid',
        'a draft',
      );
      const consensus = await started(lead, { model: SCREEN, kind: 'consensus', basis: [a.id, b.id] });
      assert.deepEqual(consensus.basis.sort(), [a.id, b.id].sort());
      // What both raters agree on is where the consensus starts.
      assert.equal(consensus.content.ratings.pathway?.presence, 'present');
      const agreed = { ...withEvidence, judgments: judged('acute', 'Agreed after the case conference.') };
      const dissenting = await saved(lead, consensus, {
        ...agreed,
        judgments: {
          ...agreed.judgments,
          priority: { ...agreed.judgments.priority, dissents: [{ rater: raterId, value: 'high', reason: '' }] },
        },
      });
      assert.deepEqual(
        dissenting.outcome.blockers.map((x) => `${x.field} ${x.code}`),
        ['judgments.priority.dissents.0 dissent_reason_missing'],
      );
      assert.equal((await finalise(lead, dissenting)).json().code, 'assessment_incomplete');
      const twice = await save(lead, dissenting, {
        ...agreed,
        judgments: {
          ...agreed.judgments,
          priority: {
            ...agreed.judgments.priority,
            dissents: [
              { rater: raterId, value: 'high', reason: 'one' },
              { rater: raterId, value: 'low', reason: 'two' },
            ],
          },
        },
      });
      assert.equal(twice.json().errors?.[0]?.path, 'judgments.priority.dissents.1.rater', 'once per judgment');
      const reasoned = await saved(lead, dissenting, {
        ...agreed,
        judgments: {
          ...agreed.judgments,
          priority: {
            ...agreed.judgments.priority,
            dissents: [{ rater: raterId, value: 'high', reason: 'No weapon access; high is enough.' }],
          },
        },
      });
      const final = await finalise(lead, reasoned);
      assert.equal(final.statusCode, 200, final.body);
      assert.equal(await casePriority(), 4);
      const read = (await call(t, rater, 'GET', `${base()}/${consensus.id}`)).json() as AssessmentDetail;
      assert.deepEqual(read.content.judgments.priority?.dissents, [
        { rater: raterId, value: 'high', reason: 'No weapon access; high is enough.' },
      ]);
      assert.equal(read.reviewDue !== null, true);
      // Where the raters differed, each one's rating, for the conference.
      assert.deepEqual(
        read.disagreements.map((d) => [d.key, d.ratings.map((r) => [r.rater?.id === raterId, r.rating.presence])]),
        [
          [
            'grievance',
            [
              [false, 'present'],
              [true, null],
            ],
          ],
        ],
      );
      assert.equal(read.content.ratings.grievance, undefined, 'not agreed: left to the conference');
    });

    test('the next version starts from the mapped ratings of the last one; a retired version is not started on', async () => {
      const v2 = await publishedModel(t, admin, teamLead, screenV2Source());
      const [last] = (await list(lead)).assessments.filter((a) => a.kind === 'consensus');
      assert.ok(last);
      const v1 = (await call(t, lead, 'GET', `${base()}/${last.id}`)).json() as AssessmentDetail;
      assert.equal(v1.content.ratings.pathway?.presence, 'present');
      const migrated = await started(lead, { model: v2, kind: 'single', from: last.id });
      assert.deepEqual(migrated.model.version, '2.0.0');
      assert.equal(migrated.content.ratings.pathway?.presence, 'present');
      assert.deepEqual(migrated.content.judgments, {}, 'a new assessment judges anew');
      assert.equal(migrated.from, last.id);
      assert.ok(migrated.previous);
      assert.equal(migrated.outcome.indicators.change, 0);
      const retired = await call(t, teamLead, 'POST', `/api/models/${SCREEN.key}/${SCREEN.version}/retire`);
      assert.equal(retired.statusCode, 200, retired.body);
      const onRetired = await start(lead, { model: SCREEN, kind: 'single' });
      assert.equal(onRetired.statusCode, 409);
      assert.equal(onRetired.json().code, 'model_retired');
      // Version 1's assessments stay readable, pinned to their version.
      const old = (await call(t, lead, 'GET', `${base()}/${last.id}`)).json() as AssessmentDetail;
      assert.equal(old.model.version, '1.0.0');
      const wrong = await start(lead, { model: v2, kind: 'single', from: migrated.id });
      assert.equal(wrong.json().code, 'unknown_assessment', 'a draft is not a start');
      // Finalised, it is compared item by item with the last one of version 1, through the map.
      const next = await saved(lead, migrated, {
        ...migrated.content,
        ratings: { ...migrated.content.ratings, grievance: { presence: 'present' } },
        judgments: judged('high'),
      });
      assert.equal((await finalise(lead, next)).statusCode, 200);
      const changes = await call(t, lead, 'GET', `/api/cases/${caseId}/assessment-changes`);
      assert.equal(changes.statusCode, 200, changes.body);
      const pairs = changes.json().pairs as {
        from: string;
        to: string;
        acrossVersions: boolean;
        items: { key: string }[];
      }[];
      const across = pairs.at(-1);
      assert.deepEqual(
        [across?.from, across?.to, across?.acrossVersions, across?.items.map((i) => i.key)],
        [last.id, next.id, true, ['grievance']],
      );
      assert.ok(pairs.slice(0, -1).every((p) => !p.acrossVersions));
      assert.equal((await call(t, expert, 'GET', `/api/cases/${caseId}/assessment-changes`)).statusCode, 404);
    });
  });
}
