import type { FastifyInstance } from 'fastify';
import { AssessmentParams, ExportQuery } from '../../../contract/assessments.ts';
import { exportAssessment } from '../../assessments/export/export.service.ts';
import type { AssessmentsContext } from '../../assessments/store.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/**
 * One finalised assessment as a PDF (docs/assessments.md, "Export"). A download, as the audit
 * trail's export is: a GET with a fresh step-up, answered as an attachment that is never cached.
 */
export function assessmentExportRoutes(app: FastifyInstance, ctx: AssessmentsContext): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/assessments/:assessmentId/export',
    policy: 'cases.access',
    stepUp: true,
    summary:
      'A finalised assessment as a PDF: pseudonyms, or the persons’ real names for a scope with the identities (recorded)',
    tags: ['assessments'],
    params: AssessmentParams,
    query: ExportQuery,
    responses: { 200: { description: 'application/pdf, as an attachment' } },
    handler: async ({ params, query }, request, reply) => {
      refuseHead(request);
      const { pdf, fileName } = await exportAssessment(
        ctx,
        actorOf(request),
        params.id,
        params.assessmentId,
        { language: query.language, identities: query.identities === 'true' },
        originOf(request),
      );
      return (
        reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${fileName}"`)
          .header('content-length', String(pdf.length))
          .header('cache-control', 'no-store')
          .header('x-content-type-options', 'nosniff')
          // Opened directly after all, it runs nothing and reaches nothing (as a document's download).
          .header('content-security-policy', "default-src 'none'; sandbox")
          .send(pdf)
      );
    },
  });
}
