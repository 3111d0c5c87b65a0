import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AssessmentDetail } from '../../src/contract/assessments.ts';
import { type Browser, call } from '../support/accounts.ts';
import {
  type AssessmentWorld,
  assessmentCalls,
  assessmentWorld,
  complete as completeWith,
  SCREEN,
} from '../support/assessments.ts';
import { engines } from '../support/db.ts';
import { screenSource } from '../support/models.ts';

/**
 * What the assessments of a case refuse (docs/assessments.md): anyone without the assessments
 * section, answered 404 and recorded; and bad input, each problem at its field with a code, with
 * nothing stored.
 */
for (const engine of engines()) {
  describe(`assessments refused on ${engine}`, () => {
    let w: AssessmentWorld;
    let t: AssessmentWorld['t'];
    let lead: Browser;
    let narrow: Browser;
    let expert: Browser;
    let caseId: string;
    let incidentId: string;
    before(async () => {
      w = await assessmentWorld(engine);
      ({ t, lead, narrow, expert, caseId, incidentId } = w);
    });
    after(() => t.close());

    const { base, start, started, save, saved, finalise } = assessmentCalls(() => w);
    const complete = completeWith();

    test('members without the assessments section see none of it, and the refusal is recorded', async () => {
      const any = await started(lead, { model: SCREEN, kind: 'single' });
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
      const staleFinal = await finalise(lead, { ...draft, version: draft.version + 1 });
      assert.equal(staleFinal.statusCode, 409, staleFinal.body);
      assert.equal(staleFinal.json().code, 'stale_version', 'finalising what was not the last read is refused too');
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
      // A draft version is refused before anything of it is opened: its sealed definition, spoilt
      // here, would not open, and the answer is still the plain refusal, not a failure.
      const imported = await call(t, w.admin, 'POST', '/api/models', {
        source: screenSource.replace('version: 1.0.0', 'version: 7.0.0'),
      });
      assert.equal(imported.statusCode, 201, imported.body);
      await t.database.db
        .updateTable('models')
        .set({ definition_sealed: Buffer.from('not a sealed definition') })
        .where('key', '=', SCREEN.key)
        .where('version', '=', '7.0.0')
        .execute();
      const onDraft = await start(lead, { model: { key: SCREEN.key, version: '7.0.0' }, kind: 'single' });
      assert.equal(onDraft.statusCode, 409);
      assert.equal(onDraft.json().code, 'model_not_published');
      const unchanged = (await call(t, lead, 'GET', `${base()}/${draft.id}`)).json() as AssessmentDetail;
      assert.equal(unchanged.version, draft.version);
      assert.equal(unchanged.status, 'draft', 'a refused finalise left it a draft');
    });
  });
}
