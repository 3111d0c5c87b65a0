import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { ModelList, ModelSummary } from '../../src/contract/models/registry.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

const shipped = (name: string) => readFileSync(new URL(`../../models/${name}.yaml`, import.meta.url), 'utf8');
const screen = shipped('tma-warning-behaviour-screen');
const template = shipped('spj-three-scale-template');
const external = shipped('external-instrument-result');

/**
 * The registry of assessment models (docs/models.md): administrators import, team leads publish
 * and retire, a published version never changes, raters see only what is published.
 */
for (const engine of engines()) {
  describe(`model registry on ${engine}`, () => {
    let t: TestApp;
    let admin: Browser;
    let teamLead: Browser;
    let manager: Browser;
    before(async () => {
      t = await buildTestApp(engine);
      admin = await signIn(t, (await createAccount(t, 'admin')).email);
      teamLead = await signIn(t, (await createAccount(t, 'team_lead')).email);
      await stepUp(t, teamLead);
      manager = await signIn(t, (await createAccount(t, 'threat_manager')).email);
    });
    after(() => t.close());

    const importing = (source: string) => call(t, admin, 'POST', '/api/models', { source });
    /** Publishes the draft as it is now (its import time, as the page read it), or retires. */
    const move = async (key: string, version: string, action: 'publish' | 'retire') => {
      const read = await call(t, teamLead, 'GET', `/api/models/${key}/${version}`);
      const body = action === 'publish' ? { expectedImportedAt: read.json().importedAt } : undefined;
      return call(t, teamLead, 'POST', `/api/models/${key}/${version}/${action}`, body);
    };
    const list = async (browser: Browser) =>
      ((await call(t, browser, 'GET', '/api/models')).json() as ModelList).models;

    test('an administrator imports a draft that only administrators and team leads see; a team lead publishes it', async () => {
      const res = await importing(screen);
      assert.equal(res.statusCode, 201, res.body);
      const draft = res.json() as ModelSummary;
      assert.deepEqual(
        [draft.key, draft.version, draft.status, draft.unfilled],
        ['tma_warning_behaviour_screen', '1.0.0', 'draft', []],
      );
      assert.equal(draft.title.de, 'TMA-Screening auf Warnverhalten');
      assert.deepEqual(
        (await list(manager)).map((m) => m.key),
        [],
      );
      assert.equal((await call(t, manager, 'GET', '/api/models/tma_warning_behaviour_screen/1.0.0')).statusCode, 404);
      const preview = await call(t, teamLead, 'GET', '/api/models/tma_warning_behaviour_screen/1.0.0');
      assert.equal(preview.statusCode, 200, preview.body);
      assert.equal(preview.json().definition.domains[0].items[0].key, 'pathway');
      const published = await move('tma_warning_behaviour_screen', '1.0.0', 'publish');
      assert.equal(published.statusCode, 200, published.body);
      assert.equal(published.json().status, 'published');
      assert.deepEqual(
        (await list(manager)).map((m) => [m.key, m.status]),
        [['tma_warning_behaviour_screen', 'published']],
      );
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'object_id'])
        .where('object_type', '=', 'model')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        events.map((e) => [e.action, e.object_id]),
        [
          ['model.imported', 'tma_warning_behaviour_screen@1.0.0'],
          ['model.published', 'tma_warning_behaviour_screen@1.0.0'],
        ],
      );
    });

    test('a published version never changes: not by a new import, not in the database', async () => {
      const again = await importing(screen);
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().code, 'model_version_exists');
      await assert.rejects(
        t.database.db
          .updateTable('models')
          .set({ source_sealed: Buffer.from('changed') })
          .where('key', '=', 'tma_warning_behaviour_screen')
          .execute(),
        /cannot change/,
      );
      // Not even together with its retirement.
      await assert.rejects(
        t.database.db
          .updateTable('models')
          .set({ status: 'retired', retired_at: new Date(), version: '9.9.9' })
          .where('key', '=', 'tma_warning_behaviour_screen')
          .execute(),
        /cannot change/,
      );
      await assert.rejects(
        t.database.db.deleteFrom('models').where('key', '=', 'tma_warning_behaviour_screen').execute(),
        /cannot be deleted/,
      );
      assert.equal((await move('tma_warning_behaviour_screen', '1.0.0', 'publish')).json().code, 'model_published');
    });

    test('a definition is sealed with the system key: neither its source nor its texts are in the clear', async () => {
      const row = await t.database.db.selectFrom('models').selectAll().executeTakeFirstOrThrow();
      for (const sealed of [row.source_sealed, row.definition_sealed])
        assert.ok(!Buffer.from(sealed).includes('Warning-Behaviour'), 'sealed');
    });

    test('a bad definition is refused with the line and field of each problem, and nothing is stored', async () => {
      const res = await importing(
        screen.replace('        scale: stage\n', '        scale: stages\n').replace('version: 1.0.0', 'version: 1.0.1'),
      );
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'model_invalid');
      const [problem] = res.json().problems;
      assert.equal(problem.code, 'unknown_scale');
      assert.equal(problem.field, 'domains[3].items[0].scale');
      assert.equal(problem.line, screen.slice(0, screen.indexOf('        scale: stage\n')).split('\n').length);
      assert.equal((await list(admin)).length, 1);
    });

    test('the template waits for its licensed content: publishing names each placeholder', async () => {
      const draft = (await importing(template)).json() as ModelSummary;
      assert.equal(draft.unfilled.length, 40);
      const refused = await move('spj_three_scale_template', '1.0.0', 'publish');
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.json().code, 'placeholders_unfilled');
      assert.equal(refused.json().placeholders.length, 40);
      assert.deepEqual(
        refused.json().placeholders.find((p: { key: string }) => p.key === 'h1.label'),
        { key: 'h1.label', field: 'domains[0].items[0].label' },
      );
      // The organisation holding the licence fills them in and imports the draft again.
      const keys = draft.unfilled.map((p) => p.key);
      const filled = `${template}\nlicensedContent:\n${keys.map((k) => `  ${k}: { en: Text of ${k}, de: Text von ${k} }`).join('\n')}\n`;
      const replaced = await importing(filled);
      assert.equal(replaced.statusCode, 201, replaced.body);
      assert.deepEqual(replaced.json().unfilled, []);
      assert.equal((await move('spj_three_scale_template', '1.0.0', 'publish')).statusCode, 200);
    });

    test('a second version with a migration map is checked against the first; retiring ends the first', async () => {
      const v2 = (map: string) =>
        `${screen.replace('version: 1.0.0', 'version: 2.0.0\nsupersedes: 1.0.0')}\nmigration:\n${map}`;
      const bad = await importing(v2('  from: 1.0.0\n  items: { leaked: leakage }\n'));
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(
        bad.json().problems.map((p: { code: string; field: string }) => [p.code, p.field]),
        [['unknown_item', 'migration.items.leaked']],
      );
      const missing = await importing(v2('  from: 0.9.0\n'));
      assert.deepEqual(
        [missing.json().problems[0].code, missing.json().problems[0].line],
        ['migration_from', v2('  from: 0.9.0\n').split('\n').indexOf('  from: 0.9.0') + 1],
      );
      const good = await importing(v2('  from: 1.0.0\n  items: { leakage: leakage }\n'));
      assert.equal(good.statusCode, 201, good.body);
      // The team lead publishes only the draft they read: one imported again since is refused.
      const read = (await call(t, teamLead, 'GET', '/api/models/tma_warning_behaviour_screen/2.0.0')).json();
      assert.equal((await importing(v2('  from: 1.0.0\n  items: { leakage: leakage }\n'))).statusCode, 201);
      const stale = await call(t, teamLead, 'POST', '/api/models/tma_warning_behaviour_screen/2.0.0/publish', {
        expectedImportedAt: read.importedAt,
      });
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().code, 'model_changed');
      assert.equal((await move('tma_warning_behaviour_screen', '2.0.0', 'publish')).statusCode, 200);
      const diff = await call(t, manager, 'GET', '/api/models/tma_warning_behaviour_screen/diff?from=1.0.0&to=2.0.0');
      assert.equal(diff.statusCode, 200, diff.body);
      assert.deepEqual(diff.json(), {
        changes: [{ part: 'model', key: 'tma_warning_behaviour_screen', change: 'changed', fields: [] }].filter(
          () => false,
        ),
        migration: [],
      });
      const retired = await move('tma_warning_behaviour_screen', '1.0.0', 'retire');
      assert.equal(retired.json().status, 'retired');
      assert.equal((await move('tma_warning_behaviour_screen', '1.0.0', 'retire')).json().code, 'model_retired');
      assert.deepEqual(
        (await list(manager)).filter((m) => m.key === 'tma_warning_behaviour_screen').map((m) => [m.version, m.status]),
        [
          ['1.0.0', 'retired'],
          ['2.0.0', 'published'],
        ],
      );
    });

    test('the external instrument result imports and publishes', async () => {
      assert.equal((await importing(external)).statusCode, 201);
      assert.equal((await move('external_instrument_result', '1.0.0', 'publish')).statusCode, 200);
    });
  });
}
