import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type AssessmentWorld, assessmentCalls, assessmentWorld } from '../support/assessments.ts';
import { engines } from '../support/db.ts';
import { form, postForm } from '../support/documents.ts';
import { publishedModel, shippedModel } from '../support/models.ts';

/**
 * The result of an external instrument (docs/assessments.md; models/external-instrument-result.yaml):
 * recorded as an assessment of its own model, with the report it produced attached, setting the
 * case's priority the team gave with it, and listed as such for the risk curve's series of its own.
 */
for (const engine of engines()) {
  describe(`an external instrument's result on ${engine}`, () => {
    let w: AssessmentWorld;
    before(async () => {
      w = await assessmentWorld(engine);
    });
    after(() => w.t.close());
    const { started, save, saved, finalise, list, read } = assessmentCalls(() => w);

    test('recorded with its report, it sets the priority and stands in the list as an external result', async () => {
      const model = await publishedModel(w.t, w.admin, w.teamLead, shippedModel('external-instrument-result'));
      const report = await postForm(
        w.t,
        w.lead,
        '/api/documents',
        form(
          { ownerType: 'case', ownerId: w.caseId },
          {
            name: 'dyrias-report.pdf',
            content: Buffer.from('%PDF-1.4\n% the instrument report\n'),
            type: 'application/pdf',
          },
        ),
      );
      assert.equal(report.statusCode, 201, report.body);
      const draft = await started(w.lead, { model, kind: 'single' });
      const filled = await saved(w.lead, draft, {
        ratings: {
          instrument: { value: 'DyRiAS-Arbeitsplatz 2.0' },
          level: { value: 'level_3' },
          assessed_on: { value: '2026-03-01' },
          report: { evidence: { documents: [report.json().id] } },
        },
        judgments: { priority: { value: 'moderate', rationale: 'Level 3 and no access to weapons.' } },
      });
      assert.deepEqual(filled.outcome.blockers, []);
      const final = await finalise(w.lead, filled);
      assert.equal(final.statusCode, 200, final.body);
      assert.equal(final.json().priority, 2);
      const all = await list(w.rater);
      const [listed] = all.assessments;
      assert.deepEqual(
        [all.models.find((m) => m.key === listed?.model.key)?.kind, listed?.status, listed?.judgments, listed?.result],
        [
          'external',
          'final',
          { priority: 'moderate' },
          { instrument: 'DyRiAS-Arbeitsplatz 2.0', level: 'level_3', on: '2026-03-01' },
        ],
      );
      const row = await w.t.database.db
        .selectFrom('assessments')
        .select('judgments_sealed')
        .where('id', '=', draft.id)
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.judgments_sealed ?? new Uint8Array()).includes('DyRiAS'), 'sealed');
      const detail = await read(w.rater, draft.id);
      assert.deepEqual(detail.content.ratings.report?.evidence?.documents, [report.json().id]);
      assert.equal(detail.content.ratings.level?.value, 'level_3');
      // An external result has no formulation: the model asks for none, and refuses one.
      const another = await started(w.lead, { model, kind: 'single' });
      const refused = await save(w.lead, another, { formulation: 'Not for an external result' });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().errors?.[0]?.path, 'formulation');
    });
  });
}
