import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AssessmentContentInput, AssessmentDetail, AssessmentList } from '../../src/contract/assessments.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';
import { publishedModel, screenSource, screenV2Source } from '../support/models.ts';

const SCREEN = { key: 'tma_warning_behaviour_screen', version: '1.0.0' };

/** The critical items rated known: what every finalisable screen needs besides its judgments. */
const criticalAbsent = {
  energy_burst: { presence: 'absent' },
  last_resort: { presence: 'absent' },
  weapon_access: { presence: 'absent' },
};
const judged = (priority: string, why = 'Because of what the timeline shows.') => ({
  priority: { value: priority, rationale: why },
  imminence: { value: 'weeks_months', rationale: 'No sign of preparation.' },
  severity: { value: 'serious', rationale: 'Threats against one colleague.' },
});

/**
 * Assessments of a case (docs/assessments.md): started on a published model version, rated with
 * the rules computed again at every save, finalised only when complete and then read-only; drafts
 * are their rater's alone; a consensus records dissent; the case's priority follows; special
 * categories stay with those whose scope includes them; the next version starts from the mapped
 * ratings.
 */
for (const engine of engines()) {
  describe(`assessments on ${engine}`, () => {
    let t: TestApp;
    let lead: Browser;
    let rater: Browser;
    let raterId: string;
    let narrow: Browser;
    let expert: Browser;
    let admin: Browser;
    let teamLead: Browser;
    let caseId: string;
    let incidentId: string;
    before(async () => {
      t = await buildTestApp(engine, { env: { TMA_TIME_ZONE: 'Europe/Berlin' } });
      admin = await signIn(t, (await createAccount(t, 'admin')).email);
      teamLead = await signIn(t, (await createAccount(t, 'team_lead')).email);
      await stepUp(t, teamLead);
      await publishedModel(t, admin, teamLead, screenSource);
      lead = await signIn(t, (await createAccount(t, 'threat_manager')).email);
      await stepUp(t, lead);
      caseId = (await openCase(t, lead)).id;
      const r = await createAccount(t, 'threat_manager', { displayName: 'Second Rater' });
      raterId = r.id;
      rater = await signIn(t, r.email);
      await grant(t, lead, caseId, { userId: r.id, role: 'member', fullScope: true });
      const n = await createAccount(t, 'threat_manager');
      narrow = await signIn(t, n.email);
      await grant(t, lead, caseId, {
        userId: n.id,
        role: 'member',
        fullScope: false,
        sections: ['assessments', 'timeline'],
      });
      const e = await createAccount(t, 'expert');
      expert = await signIn(t, e.email);
      await grant(t, lead, caseId, {
        userId: e.id,
        role: 'expert',
        fullScope: false,
        sections: ['timeline', 'documents'],
      });
      const incident = await call(t, lead, 'POST', `/api/cases/${caseId}/timeline`, {
        kind: 'incident',
        occurredOn: '2026-03-02',
        title: 'Asked a colleague where the shift lead parks',
        tags: ['pathway'],
      });
      assert.equal(incident.statusCode, 201, incident.body);
      incidentId = incident.json().id;
    });
    after(() => t.close());

    const base = () => `/api/cases/${caseId}/assessments`;
    const start = (browser: Browser, body: object) => call(t, browser, 'POST', base(), body);
    const started = async (browser: Browser, body: object): Promise<AssessmentDetail> => {
      const res = await start(browser, body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    };
    const save = (browser: Browser, a: AssessmentDetail, content: AssessmentContentInput) =>
      call(t, browser, 'PUT', `${base()}/${a.id}`, { expectedVersion: a.version, ...content });
    const saved = async (browser: Browser, a: AssessmentDetail, content: AssessmentContentInput) => {
      const res = await save(browser, a, content);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as AssessmentDetail;
    };
    const finalise = (browser: Browser, a: AssessmentDetail) =>
      call(t, browser, 'POST', `${base()}/${a.id}/finalise`, { expectedVersion: a.version });
    const list = async (browser: Browser): Promise<AssessmentList> => {
      const res = await call(t, browser, 'GET', base());
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const casePriority = async () =>
      (await t.database.db.selectFrom('cases').select('priority').where('id', '=', caseId).executeTakeFirstOrThrow())
        .priority;

    const complete: AssessmentContentInput = {
      ratings: {
        pathway: { presence: 'present', relevance: 'high', observed: '2026-03-02', evidence: { entries: [] } },
        ...criticalAbsent,
      },
      formulation: 'Grievance after the transfer; the questions about parking suggest research.',
      scenarios: [
        { type: 'targeted_violence', victim: 'the shift lead', severity: 'serious', imminence: 'weeks_months' },
      ],
      judgments: judged('high'),
    };

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
      for (const [who, other] of [
        [lead, theirs],
        [rater, mine],
      ] as const) {
        assert.equal((await call(t, who, 'GET', `${base()}/${other.id}`)).statusCode, 404);
        assert.equal((await save(who, other, complete)).statusCode, 404);
      }
      const withEvidence = {
        ...complete,
        ratings: {
          ...complete.ratings,
          pathway: { ...complete.ratings?.pathway, evidence: { entries: [incidentId] } },
        },
      };
      const a = await saved(lead, mine, {
        ...withEvidence,
        judgments: judged('acute', 'Research into where the lead parks.'),
      });
      const b = await saved(rater, theirs, withEvidence);
      // A rater's finalised rating does not set the case's priority: the consensus does.
      assert.equal((await finalise(lead, a)).statusCode, 200);
      assert.equal((await finalise(rater, b)).statusCode, 200);
      assert.equal(await casePriority(), 3);
      const tooFew = await start(lead, { model: SCREEN, kind: 'consensus', basis: [a.id] });
      assert.equal(tooFew.json().code, 'basis_invalid');
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
    });

    test('members without the assessments section see none of it, and the refusal is recorded', async () => {
      const [any] = (await list(lead)).assessments;
      assert.ok(any);
      for (const res of [
        await call(t, expert, 'GET', base()),
        await call(t, expert, 'GET', `${base()}/${any.id}`),
        await start(expert, { model: SCREEN, kind: 'single' }),
      ])
        assert.equal(res.statusCode, 404, res.body);
      const denied = await t.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', '=', 'case.denied')
        .where('case_id', '=', caseId)
        .execute();
      assert.ok(denied.length > 0);
    });

    test('special-category items are neither shown to nor changed by a rater whose scope does not include them', async () => {
      const withHealth = await started(lead, { model: SCREEN, kind: 'single' });
      const rated = await saved(lead, withHealth, {
        ...complete,
        ratings: {
          ...complete.ratings,
          pathway: { ...complete.ratings?.pathway, evidence: { entries: [incidentId] } },
          mental_disorder: { presence: 'present', note: 'Diagnosis reported by the company doctor' },
        },
      });
      assert.equal(rated.content.ratings.mental_disorder?.presence, 'present');
      assert.equal((await finalise(lead, rated)).statusCode, 200);
      const seen = (await call(t, narrow, 'GET', `${base()}/${withHealth.id}`)).json() as AssessmentDetail;
      assert.equal(seen.content.ratings.mental_disorder, undefined);
      assert.ok(seen.withheld.includes('mental_disorder'));
      assert.equal(seen.outcome.indicators.present_in_b, 0, 'no count tells what is withheld');
      const row = await t.database.db
        .selectFrom('assessments')
        .select(['content_sealed', 'special_sealed'])
        .where('id', '=', withHealth.id)
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.special_sealed).includes('company doctor'));
      // A copy made by the narrow rater keeps the health rating, unseen, through their saves.
      const copy = await started(narrow, { model: SCREEN, kind: 'single', from: withHealth.id });
      assert.equal(copy.content.ratings.mental_disorder, undefined);
      assert.equal(copy.previous?.mental_disorder, undefined);
      const refused = await save(narrow, copy, { ...complete, ratings: { mental_disorder: { presence: 'absent' } } });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().code, 'special_category_out_of_scope');
      const kept = await saved(narrow, copy, { ...copy.content, judgments: judged('high') });
      assert.equal((await finalise(narrow, kept)).statusCode, 200);
      const full = (await call(t, lead, 'GET', `${base()}/${copy.id}`)).json() as AssessmentDetail;
      assert.equal(full.content.ratings.mental_disorder?.presence, 'present');
      assert.equal(full.content.ratings.mental_disorder?.note, 'Diagnosis reported by the company doctor');
    });

    test('a flag a withheld rating raises, and the reason given against it, stay with those who see the rating', async () => {
      const model = await publishedModel(
        t,
        admin,
        teamLead,
        screenSource
          .replace('key: tma_warning_behaviour_screen', 'key: screen_with_health_rule')
          .replace(
            '\nflags:\n',
            '\nflags:\n  - key: health_review\n    severity: warning\n    overrideRationale: true\n    label: { en: Ask the company doctor, de: Betriebsarzt fragen }\n',
          )
          .replace(
            '\nrules:\n',
            `\nrules:\n  - key: health\n    when: "mental_disorder.presence == 'present'"\n    flag: health_review\n`,
          ),
      );
      const draft = await started(lead, { model, kind: 'single' });
      const rated = await saved(lead, draft, {
        ...complete,
        ratings: {
          ...complete.ratings,
          pathway: { ...complete.ratings?.pathway, evidence: { entries: [incidentId] } },
          mental_disorder: { presence: 'present' },
        },
        overrides: { health_review: 'Treated and stable, says the company doctor' },
      });
      assert.ok(rated.outcome.flags.includes('health_review'));
      assert.equal((await finalise(lead, rated)).statusCode, 200);
      const seen = (await call(t, narrow, 'GET', `${base()}/${draft.id}`)).json() as AssessmentDetail;
      assert.ok(!seen.outcome.flags.includes('health_review'));
      assert.deepEqual(seen.content.overrides, {});
      const full = (await call(t, rater, 'GET', `${base()}/${draft.id}`)).json() as AssessmentDetail;
      assert.equal(full.content.overrides.health_review, 'Treated and stable, says the company doctor');
      // The ratings a copy started from keep the withheld ones apart, and unopened for the narrow rater.
      const copy = await started(narrow, { model, kind: 'single', from: draft.id });
      assert.equal(copy.previous?.mental_disorder, undefined);
      const row = await t.database.db
        .selectFrom('assessments')
        .select(['previous_sealed', 'previous_special_sealed'])
        .where('id', '=', copy.id)
        .executeTakeFirstOrThrow();
      assert.ok(row.previous_sealed !== null && row.previous_special_sealed !== null);
      const mine = (await call(t, lead, 'GET', `${base()}/${draft.id}`)).json() as AssessmentDetail;
      assert.equal(mine.content.ratings.mental_disorder?.presence, 'present');
    });

    test('bad input is refused with the field and a code: nothing is stored', async () => {
      const draft = await started(lead, { model: SCREEN, kind: 'single' });
      const bad = await save(lead, draft, {
        ratings: {
          pathway: { presence: 'sometimes' },
          no_such_item: { presence: 'present' },
          pathway_stage: { presence: 'present' },
        },
        judgments: { priority: { value: 'urgent' } },
        scenarios: [{ type: 'arson' }],
        overrides: { no_such_flag: 'because' },
      });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(bad.json().code, 'validation_failed');
      assert.deepEqual((bad.json().errors as { path: string }[]).map((e) => e.path).sort(), [
        'judgments.priority.value',
        'overrides.no_such_flag',
        'ratings.no_such_item',
        'ratings.pathway.presence',
        'ratings.pathway_stage.presence',
        'scenarios.0.type',
      ]);
      const stale = await save(lead, { ...draft, version: draft.version + 1 }, complete);
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().code, 'stale_version');
      const evidence = await save(lead, draft, {
        ratings: { pathway: { presence: 'present', evidence: { entries: [caseId] } } },
      });
      assert.equal(evidence.json().code, 'unknown_evidence');
      // The expert reads the timeline but is no rater; the narrow rater links what they see.
      const linked = await saved(narrow, await started(narrow, { model: SCREEN, kind: 'single' }), {
        ratings: { pathway: { presence: 'present', evidence: { entries: [incidentId] } } },
      });
      assert.deepEqual(linked.content.ratings.pathway?.evidence, { entries: [incidentId], documents: [] });
      assert.equal(
        (await start(lead, { model: { key: SCREEN.key, version: '9.0.0' }, kind: 'single' })).json().code,
        'model_not_published',
      );
      const unchanged = (await call(t, lead, 'GET', `${base()}/${draft.id}`)).json() as AssessmentDetail;
      assert.equal(unchanged.version, draft.version);
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
    });
  });
}
