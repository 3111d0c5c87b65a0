import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AssessmentList, modelId } from '../../src/contract/assessments.ts';
import { type Browser, call } from '../support/accounts.ts';
import { type AssessmentWorld, assessmentCalls, assessmentWorld, complete, judged } from '../support/assessments.ts';
import { engines } from '../support/db.ts';
import { publishedModel, screenSource, screenV2Source } from '../support/models.ts';

const KEY = 'screen_migrating';
const REMOVED = `      - key: words_and_actions
        kind: context
        scale: presence
        label: { en: Words and actions consistent, de: Worte und Handlungen stimmen überein }
`;
const ADDED = `      - key: ban_breached
        kind: context
        scale: presence
        label: { en: Contact ban breached, de: Kontaktverbot missachtet }
`;
const named = (source: string) => source.replace('key: tma_warning_behaviour_screen', `key: ${KEY}`);

/**
 * Version 2 of a model with a migration map (docs/assessments.md, Starting; docs/models.md): the
 * next assessment starts from the mapped ratings of the last one on version 1. Here version 2 also
 * drops an item and adds one nobody maps, beside the split of the shared version 2.
 */
for (const engine of engines()) {
  describe(`migrating between model versions on ${engine}`, () => {
    let w: AssessmentWorld;
    let lead: Browser;
    let v1: { key: string; version: string };
    let v2: { key: string; version: string };
    before(async () => {
      w = await assessmentWorld(engine);
      lead = w.lead;
      v1 = await publishedModel(w.t, w.admin, w.teamLead, named(screenSource));
      const source = named(screenV2Source()).replace(REMOVED, ADDED);
      assert.ok(!source.includes('key: words_and_actions') && source.includes('key: ban_breached'));
      v2 = await publishedModel(w.t, w.admin, w.teamLead, source);
    });
    after(() => w.t.close());

    const { start, started, saved, finalise, read, list } = assessmentCalls(() => w);
    const finalised = async (draft: Awaited<ReturnType<typeof started>>, content: ReturnType<typeof complete>) => {
      const ready = await saved(lead, draft, content);
      const done = await finalise(lead, ready);
      assert.equal(done.statusCode, 200, done.body);
      return read(lead, draft.id);
    };
    const base = () => complete(w.incidentId);
    let old: Awaited<ReturnType<typeof read>>;
    let next: Awaited<ReturnType<typeof read>>;

    test('mapped and kept items carry over; a new item starts not assessed; a removed one stays in the old assessment', async () => {
      old = await finalised(await started(lead, { model: v1, kind: 'single' }), {
        ...base(),
        ratings: {
          ...base().ratings,
          leakage: {
            presence: 'present',
            observed: '2026-03-01',
            evidence: { entries: [w.incidentId] },
            note: 'Told a colleague',
          },
          losses_stressors: { presence: 'present' },
          words_and_actions: { presence: 'present', note: 'Bought what he described' },
        },
      });
      const migrated = await started(lead, { model: v2, kind: 'single', from: old.id });
      const ratings = migrated.content.ratings;
      assert.deepEqual(
        [ratings.leakage_spoken?.presence, ratings.leakage_written?.presence, ratings.leakage_spoken?.note],
        ['present', 'present', 'Told a colleague'],
        'the split item takes the old one’s rating',
      );
      assert.equal(ratings.losses_stressors?.presence, 'present', 'an item of the same key carries over');
      assert.equal(ratings.pathway?.presence, 'present');
      assert.equal(ratings.ban_breached, undefined, 'the new item: not assessed');
      assert.equal(ratings.words_and_actions, undefined, 'the removed item is not carried');
      assert.equal(ratings.leakage, undefined);
      assert.deepEqual(migrated.previous, ratings, 'what it started from, to mark what changes');
      assert.equal(migrated.from, old.id);
      // The old assessment keeps its version, and the removed item's rating with it.
      const kept = await read(lead, old.id);
      assert.equal(kept.model.version, '1.0.0');
      assert.deepEqual(kept.content.ratings.words_and_actions, {
        presence: 'present',
        note: 'Bought what he described',
      });
      next = await finalised(migrated, {
        ...base(),
        ratings: { ...ratings, losses_stressors: { presence: 'absent' }, ban_breached: { presence: 'present' } },
        judgments: judged('high'),
      });
      assert.equal(next.model.version, '2.0.0');
    });

    test('across the versions only the items the map or a kept key relates are compared', async () => {
      const changes = await call(w.t, lead, 'GET', `/api/cases/${w.caseId}/assessment-changes`);
      assert.equal(changes.statusCode, 200, changes.body);
      const pair = (
        changes.json().pairs as { from: string; to: string; acrossVersions: boolean; items: { key: string }[] }[]
      ).find((p) => p.to === next.id);
      assert.deepEqual(
        [pair?.from, pair?.acrossVersions, pair?.items.map((i) => i.key)],
        [old.id, true, ['losses_stressors']],
        'the new item and the removed one are no change: they were never rated on both sides',
      );
    });

    test('a version starts only from its own or the version its map names', async () => {
      // Version 1 does not migrate from version 2.
      const back = await start(lead, { model: v1, kind: 'single', from: next.id });
      assert.equal(back.statusCode, 400, back.body);
      assert.equal(back.json().code, 'no_migration_path');
      // Nor does a model migrate from another model.
      const other = await start(lead, {
        model: { key: 'tma_warning_behaviour_screen', version: '1.0.0' },
        kind: 'single',
        from: old.id,
      });
      assert.equal(other.json().code, 'no_migration_path');
      const drafts = await w.t.database.db
        .selectFrom('assessments')
        .select('id')
        .where('case_id', '=', w.caseId)
        .where('status', '=', 'draft')
        .execute();
      assert.deepEqual(drafts, [], 'nothing was started');
    });

    test('the list names each model version and each rater once, and every assessment refers to them', async () => {
      const listed = await list(lead);
      assert.deepEqual(
        listed.models.map((m) => [m.key, m.version, m.kind, m.title.en.length > 0, m.title.de.length > 0]),
        [
          [KEY, '1.0.0', 'spj', true, true],
          [KEY, '2.0.0', 'spj', true, true],
        ],
        'once each, in the order of their first assessment',
      );
      assert.equal(listed.assessments.length, 2);
      assert.equal(listed.raters.length, 1, 'the lead, who rated both, once');
      const [leadRef] = listed.raters;
      assert.ok(leadRef?.displayName, 'with the name');
      assert.deepEqual(
        listed.assessments.map((a) => [a.id, modelId(a.model), a.rater]),
        [
          [old.id, `${KEY}@1.0.0`, leadRef?.id],
          [next.id, `${KEY}@2.0.0`, leadRef?.id],
        ],
      );
      assert.ok(AssessmentList.safeParse(listed).success, 'the contract holds');
      assert.deepEqual(
        AssessmentList.safeParse({ ...listed, raters: [], models: listed.models.slice(1) }).error?.issues.map((i) => [
          i.path.join('.'),
          i.message,
        ]),
        [
          ['assessments.0.model', 'not among the models'],
          ['assessments.0.rater', 'not among the raters'],
          ['assessments.1.rater', 'not among the raters'],
        ],
        'a reference the list does not resolve is refused',
      );
    });
  });
}
