import type { FastifyInstance } from 'fastify';
import {
  AssessmentChanges,
  AssessmentDetail,
  AssessmentList,
  AssessmentParams,
  FinaliseAssessment,
  SaveAssessment,
  StartAssessment,
} from '../../../contract/assessments.ts';
import { CaseParams } from '../../../contract/cases.ts';
import { assessmentOf, listAssessments, startAssessment } from '../../assessments/assessments.service.ts';
import { assessmentChanges } from '../../assessments/changes.service.ts';
import { finaliseAssessment, saveAssessment } from '../../assessments/drafts.service.ts';
import type { AssessmentsContext } from '../../assessments/store.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/** The assessments of a case (docs/assessments.md): the assessments section of the caller's scope. */
export function assessmentsRoutes(app: FastifyInstance, ctx: AssessmentsContext): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/assessments',
    policy: 'cases.access',
    summary:
      'The case’s finalised assessments and the caller’s own drafts, oldest first, with the incidents for the risk curve',
    tags: ['assessments'],
    params: CaseParams,
    responses: { 200: AssessmentList },
    handler: ({ params }, request) => {
      refuseHead(request);
      return listAssessments(ctx, actorOf(request), params.id, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/assessments',
    policy: 'cases.access',
    summary:
      'Start an assessment on a published model version: empty, as a copy, migrated from the version before, or (a consensus) from the raters’ finalised ratings',
    tags: ['assessments'],
    params: CaseParams,
    body: StartAssessment,
    responses: { 201: AssessmentDetail },
    handler: async ({ params, body }, request, reply) =>
      reply
        .code(201)
        .send(
          await startAssessment(
            ctx,
            actorOf(request),
            params.id,
            body as Parameters<typeof startAssessment>[3],
            originOf(request),
          ),
        ),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/assessment-changes',
    policy: 'cases.access',
    summary:
      'Item by item, what changed from each finalised single assessment or consensus to the next (across versions, the items the migration map carries)',
    tags: ['assessments'],
    params: CaseParams,
    responses: { 200: AssessmentChanges },
    handler: ({ params }, request) => {
      refuseHead(request);
      return assessmentChanges(ctx, actorOf(request), params.id, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/assessments/:assessmentId',
    policy: 'cases.access',
    summary: 'One assessment: a finalised one, or the caller’s own draft, with the rules’ outcome',
    tags: ['assessments'],
    params: AssessmentParams,
    responses: { 200: AssessmentDetail },
    handler: ({ params }, request) => {
      refuseHead(request);
      return assessmentOf(ctx, actorOf(request), params.id, params.assessmentId, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/cases/:id/assessments/:assessmentId',
    policy: 'cases.access',
    summary: 'Save the caller’s draft whole; the answer carries the rules’ outcome computed again',
    tags: ['assessments'],
    params: AssessmentParams,
    body: SaveAssessment,
    responses: { 200: AssessmentDetail },
    handler: ({ params, body }, request) =>
      saveAssessment(
        ctx,
        actorOf(request),
        params.id,
        params.assessmentId,
        body as Parameters<typeof saveAssessment>[4],
        originOf(request),
      ),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/assessments/:assessmentId/finalise',
    policy: 'cases.access',
    summary:
      'Finalise the caller’s draft: read-only from then on; a single assessment or a consensus sets the case’s priority',
    tags: ['assessments'],
    params: AssessmentParams,
    body: FinaliseAssessment,
    responses: { 200: AssessmentDetail },
    handler: ({ params, body }, request) =>
      finaliseAssessment(
        ctx,
        actorOf(request),
        params.id,
        params.assessmentId,
        (body as { expectedVersion: number }).expectedVersion,
        originOf(request),
      ),
  });
}
