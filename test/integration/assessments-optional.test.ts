import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { tokenHash } from '../../src/server/access/sessions/tokens.ts';
import { type Browser, call, createAccount, signIn } from '../support/accounts.ts';
import {
  type AssessmentWorld,
  assessmentCalls,
  assessmentWorld,
  complete as completeWith,
  judged,
} from '../support/assessments.ts';
import { engines } from '../support/db.ts';
import { publishedModel, screenSource } from '../support/models.ts';

const OPTIONAL = ['ideological_framing', 'relationship_failure', 'mental_disorder'];

/**
 * Optional items of a model (docs/models.md, "Optional items"): off unless a team lead switches
 * them on, after a step-up and with an audit event; an assessment fixes the set as it starts,
 * neither shows nor takes a rating of an item it does not use, and carries none over.
 */
for (const engine of engines()) {
  describe(`optional items of a model on ${engine}`, () => {
    let w: AssessmentWorld;
    let t: AssessmentWorld['t'];
    let lead: Browser;
    let teamLead: Browser;
    let model: { key: string; version: string };
    let withHealth: string;
    before(async () => {
      w = await assessmentWorld(engine);
      ({ t, lead, teamLead } = w);
      // A model published here for the first time: nothing of it switched on yet.
      model = await publishedModel(
        t,
        w.admin,
        teamLead,
        screenSource
          .replace('key: tma_warning_behaviour_screen', 'key: screen_with_options')
          // A rule asking for a field of an optional item: it blocks only where the item is used.
          .replace(
            '\nrules:\n',
            `\nrules:\n  - key: health_date\n    when: "pathway.presence == 'present'"\n    require: [mental_disorder.observed]\n`,
          ),
      );
    });
    after(() => t.close());

    const { started, save, saved, finalise, read } = assessmentCalls(() => w);
    const complete = completeWith(undefined);
    const completed = () => completeWith(w.incidentId);
    const path = () => `/api/models/${model.key}/optional-items`;
    /** Reads the set; with items, sets them as read just before (or as `expected` says). */
    const optionalItems = async (browser: Browser, items?: string[], expected?: string[]) => {
      const read = await call(t, browser, 'GET', path());
      if (items === undefined) return read;
      return call(t, browser, 'PUT', path(), { items, expected: expected ?? read.json().items ?? [] });
    };
    const health = { mental_disorder: { presence: 'present', note: 'Seen by the company doctor' } };

    test('off until switched on: a new assessment neither shows nor takes them', async () => {
      const none = await optionalItems(lead);
      assert.equal(none.statusCode, 200, none.body);
      assert.deepEqual(none.json(), { items: [] });
      const draft = await started(lead, { model, kind: 'single' });
      assert.deepEqual(draft.unused, OPTIONAL);
      assert.deepEqual(draft.withheld, [], 'items it does not use are not withheld: they are no part of it');
      const refused = await save(lead, draft, { ...complete, ratings: { ...complete.ratings, ...health } });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.deepEqual(
        refused.json().errors.map((e: { path: string }) => e.path),
        ['ratings.mental_disorder'],
      );
      // Nothing was stored: the draft is as it was.
      assert.equal((await read(lead, draft.id)).version, draft.version);
    });

    test('only a team lead who has stepped up switches them; a key that is no optional item is refused', async () => {
      assert.equal((await optionalItems(lead, ['mental_disorder'])).statusCode, 404, 'a threat manager may not');
      // A team lead whose password was confirmed longer ago than a step-up counts.
      const unstepped = await signIn(t, (await createAccount(t, 'team_lead')).email);
      await t.database.db
        .updateTable('sessions')
        .set({ step_up_at: new Date(Date.now() - 3600_000) })
        .where('token_hash', '=', tokenHash(unstepped.cookie ?? ''))
        .execute();
      const stale = await optionalItems(unstepped, ['mental_disorder']);
      assert.equal(stale.statusCode, 401, stale.body);
      assert.equal(stale.json().code, 'step_up_required');
      const notOptional = await optionalItems(teamLead, ['mental_disorder', 'pathway']);
      assert.equal(notOptional.statusCode, 400, notOptional.body);
      assert.equal(notOptional.json().code, 'unknown_optional_item');
      assert.match(notOptional.json().detail, /items\.1/);
      const noModel = await call(t, teamLead, 'PUT', '/api/models/no_such_model/optional-items', {
        items: [],
        expected: [],
      });
      assert.equal(noModel.statusCode, 404, noModel.body);
      const unseen = await call(t, lead, 'GET', '/api/models/no_such_model/optional-items');
      assert.equal(unseen.statusCode, 404, unseen.body);
      assert.deepEqual((await optionalItems(lead)).json(), { items: [] }, 'nothing was switched by a refusal');
    });

    test('switched on, a new assessment takes the item; one already started keeps the set it started with', async () => {
      const before = await started(lead, { model, kind: 'single' });
      const on = await optionalItems(teamLead, ['mental_disorder']);
      assert.equal(on.statusCode, 200, on.body);
      assert.deepEqual(on.json(), { items: ['mental_disorder'] });
      const event = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'object_id', 'detail'])
        .where('action', '=', 'model.optional_items')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(event.object_id, model.key);
      assert.deepEqual(event.detail, { key: model.key, enabled: ['mental_disorder'], disabled: [] });

      assert.deepEqual((await read(lead, before.id)).unused, OPTIONAL, 'fixed as it started');
      assert.equal((await save(lead, before, { ...complete, ratings: health })).statusCode, 400);
      // The rule asking for the day the item was observed does not block where it is not used.
      const done = await saved(lead, before, { ...completed(), judgments: judged('moderate') });
      assert.equal(done.outcome.blockers.length, 0, JSON.stringify(done.outcome.blockers));
      assert.ok(!done.outcome.required.includes('mental_disorder.observed'), 'nor is it asked for');
      assert.equal((await finalise(lead, done)).statusCode, 200);

      const after = await started(lead, { model, kind: 'single' });
      assert.deepEqual(after.unused, ['ideological_framing', 'relationship_failure']);
      const rated = await saved(lead, after, {
        ...completed(),
        ratings: { ...completed().ratings, ...health },
        judgments: judged('moderate'),
      });
      assert.equal(rated.content.ratings.mental_disorder?.presence, 'present');
      assert.deepEqual(rated.outcome.blockers, [{ field: 'mental_disorder.observed', code: 'required_missing' }]);
      const dated = await saved(lead, rated, {
        ...rated.content,
        ratings: { ...rated.content.ratings, mental_disorder: { ...health.mental_disorder, observed: '2026-02-20' } },
      });
      const final = await finalise(lead, dated);
      assert.equal(final.statusCode, 200, final.body);
      withHealth = after.id;
    });

    test('switched off again, finalised assessments keep what they hold; a copy carries none of it', async () => {
      const off = await optionalItems(teamLead, []);
      assert.deepEqual(off.json(), { items: [] });
      const event = await t.database.db
        .selectFrom('audit_events')
        .select('detail')
        .where('action', '=', 'model.optional_items')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual(event.detail, { key: model.key, enabled: [], disabled: ['mental_disorder'] });
      const kept = await read(lead, withHealth);
      assert.equal(kept.content.ratings.mental_disorder?.note, 'Seen by the company doctor');
      assert.deepEqual(kept.unused, ['ideological_framing', 'relationship_failure']);
      // Against the one before it, which did not use the item, its rating is no change.
      const changes = await call(t, lead, 'GET', `/api/cases/${w.caseId}/assessment-changes`);
      const pair = changes.json().pairs.find((p: { to: string }) => p.to === withHealth);
      assert.ok(pair?.comparable, changes.body);
      assert.ok(!pair.items.some((i: { key: string }) => i.key === 'mental_disorder'), changes.body);
      const copy = await started(lead, { model, kind: 'single', from: withHealth });
      assert.deepEqual(copy.unused, OPTIONAL);
      assert.equal(copy.content.ratings.mental_disorder, undefined);
      assert.equal(copy.previous?.mental_disorder, undefined);
      assert.equal(copy.content.ratings.pathway?.presence, 'present', 'the rest is copied');
      const row = await t.database.db
        .selectFrom('assessments')
        .select(['optional_items'])
        .where('id', '=', copy.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row.optional_items, []);
    });

    test("a team lead's change made on a stale read is refused: another's change since is not undone", async () => {
      assert.deepEqual((await optionalItems(teamLead, ['mental_disorder'])).json(), { items: ['mental_disorder'] });
      // Another team lead switched it off meanwhile; this one still has it on as read.
      assert.deepEqual((await optionalItems(teamLead, [])).json(), { items: [] });
      const stale = await optionalItems(teamLead, ['mental_disorder', 'ideological_framing'], ['mental_disorder']);
      assert.equal(stale.statusCode, 409, stale.body);
      assert.equal(stale.json().code, 'stale_version');
      assert.deepEqual((await optionalItems(lead)).json(), { items: [] });
    });

    test('an assessment started without naming the set (an instance of the release before) uses none', async () => {
      const { rows } = await sql<{ column_default: string }>`
        select column_default from information_schema.columns
        where table_name = 'assessments' and column_name = 'optional_items'`.execute(t.database.db);
      assert.match(rows[0]?.column_default ?? '', /^'\{\}'/);
    });

    test('the set an assessment uses never changes, not even on a draft', async () => {
      const draft = await started(lead, { model, kind: 'single' });
      await assert.rejects(
        sql`update assessments set optional_items = ${['mental_disorder']} where id = ${draft.id}`.execute(
          t.database.db,
        ),
        /what it is cannot change/,
      );
    });
  });
}
