import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AssessmentDetail } from '../../src/contract/assessments.ts';
import { openContent } from '../../src/server/assessments/store.ts';
import { type Browser, call } from '../support/accounts.ts';
import {
  type AssessmentWorld,
  assessmentCalls,
  assessmentWorld,
  complete as completeWith,
  criticalAbsent,
  judged,
  SCREEN,
} from '../support/assessments.ts';
import { engines } from '../support/db.ts';
import { form, postForm } from '../support/documents.ts';
import { publishedModel, screenSource, switchOnOptionalItems } from '../support/models.ts';

/**
 * What each reader sees of a case's assessments (docs/assessments.md, "Special categories" and
 * "Rating"): items of special categories, and all that is computed from them, only for those whose
 * scope holds them; evidence only as the rater sees the timeline and the documents.
 */
for (const engine of engines()) {
  describe(`what each reader sees of assessments on ${engine}`, () => {
    let w: AssessmentWorld;
    let t: AssessmentWorld['t'];
    let lead: Browser;
    let rater: Browser;
    let narrow: Browser;
    let admin: Browser;
    let teamLead: Browser;
    let caseId: string;
    let incidentId: string;
    before(async () => {
      w = await assessmentWorld(engine);
      ({ t, lead, rater, narrow, admin, teamLead, caseId, incidentId } = w);
    });
    after(() => t.close());

    const { base, started, save, saved, finalise, list } = assessmentCalls(() => w);
    const complete = completeWith(undefined);

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
            `\nrules:\n  - key: health\n    when: "mental_disorder.presence == 'present'"\n    flag: health_review\n    require: [formulation]\n`,
          ),
      );
      await switchOnOptionalItems(t, teamLead, model.key, ['mental_disorder']);
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

    test('a blocker only a withheld rating causes is told as withheld, never by its field', async () => {
      const [health] = (await list(lead)).assessments.filter(
        (a) => a.model.key === 'screen_with_health_rule' && a.status === 'final',
      );
      assert.ok(health);
      const copy = await started(narrow, {
        model: { key: health.model.key, version: health.model.version },
        kind: 'single',
        from: health.id,
      });
      // Nothing the narrow rater sees asks for a formulation any more; the withheld health rating does.
      const mine = await saved(narrow, copy, {
        ratings: { pathway: { presence: 'absent' }, ...criticalAbsent },
        formulation: '',
        judgments: judged('low'),
      });
      assert.deepEqual(mine.outcome.blockers, []);
      const refused = await finalise(narrow, mine);
      assert.equal(refused.statusCode, 400, refused.body);
      assert.deepEqual(refused.json().blockers, [{ field: 'withheld', code: 'required_missing' }]);
    });

    test('evidence is what the rater sees: written entries, and documents not restricted from them', async () => {
      const uploaded = await postForm(
        t,
        lead,
        '/api/documents',
        form(
          { ownerType: 'case', ownerId: caseId },
          { name: 'letter.txt', content: Buffer.from('You will regret this.'), type: 'text/plain' },
        ),
      );
      assert.equal(uploaded.statusCode, 201, uploaded.body);
      const documentId = uploaded.json().id as string;
      const draft = await started(rater, { model: SCREEN, kind: 'single' });
      const linked = await saved(rater, draft, {
        ratings: { leakage: { presence: 'present', evidence: { entries: [incidentId], documents: [documentId] } } },
      });
      assert.deepEqual(linked.content.ratings.leakage?.evidence, { entries: [incidentId], documents: [documentId] });
      // A recorded entry (the case's opening) is not evidence a rater links.
      const timeline = (await call(t, lead, 'GET', `/api/cases/${caseId}/timeline`)).json();
      const opened = timeline.entries.find((e: { kind: string }) => e.kind === 'opened').id as string;
      const recorded = await save(rater, linked, {
        ratings: { leakage: { presence: 'present', evidence: { entries: [opened] } } },
      });
      assert.equal(recorded.json().code, 'unknown_evidence');
      // Restricted to the lead: the rater no longer sees it, cannot link it anew, and keeps the link unseen.
      const restricted = await call(t, lead, 'PUT', `/api/documents/${documentId}/readers`, {
        expectedVersion: 1,
        restricted: true,
        userIds: [],
      });
      assert.equal(restricted.statusCode, 204, restricted.body);
      const seen = (await call(t, rater, 'GET', `${base()}/${draft.id}`)).json() as AssessmentDetail;
      assert.deepEqual(seen.content.ratings.leakage?.evidence, { entries: [incidentId], documents: [] });
      const again = await save(rater, seen, {
        ratings: { fixation: { presence: 'present', evidence: { documents: [documentId] } } },
      });
      assert.equal(again.json().code, 'unknown_evidence');
      const kept = await saved(rater, seen, {
        ratings: { leakage: { presence: 'present', evidence: { entries: [incidentId] } } },
      });
      assert.deepEqual(kept.content.ratings.leakage?.evidence, { entries: [incidentId], documents: [] });
      const row = await t.database.db
        .selectFrom('assessments')
        .select(['id', 'version', 'content_sealed', 'special_sealed'])
        .where('id', '=', draft.id)
        .executeTakeFirstOrThrow();
      const stored = await openContent(t.keys, row, true);
      assert.deepEqual(stored.ratings.leakage?.evidence?.documents, [documentId], 'kept, unseen');
    });
  });
}
