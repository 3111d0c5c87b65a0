import type { FastifyInstance } from 'fastify';
import {
  MyReports,
  ReporterMessageBody,
  ReporterView,
  ReportParams,
  SubmitReport,
  SubmittedReport,
} from '../../../contract/reports.ts';
import type { IntakeContext } from '../../intake/context.ts';
import { limitedPerAccount, myMessage, myReport, myReports } from '../../intake/reporter.service.ts';
import { submitReport } from '../../intake/submit.service.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/** Reports of signed-in employees, and their "My reports" (docs/intake.md). */
export function reportRoutes(app: FastifyInstance, ctx: IntakeContext): void {
  defineRoute(app, {
    method: 'POST',
    url: '/api/reports',
    policy: 'reports.submit',
    summary: 'Report a concern as a signed-in employee (the same idempotency key stores one report)',
    tags: ['reports'],
    body: SubmitReport,
    responses: { 201: SubmittedReport },
    handler: async ({ body }, request, reply) => {
      limitedPerAccount(ctx, actorOf(request).userId);
      return reply
        .code(201)
        .send(await submitReport(ctx, actorOf(request), body as Parameters<typeof submitReport>[2], originOf(request)));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/mine',
    policy: 'reports.submit',
    summary: 'The caller’s own reports, with their status',
    tags: ['reports'],
    responses: { 200: MyReports },
    handler: (_input, request) => {
      refuseHead(request);
      return myReports(ctx, actorOf(request));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/reports/mine/:id',
    policy: 'reports.submit',
    summary: 'One of the caller’s own reports: status, messages and what they wrote',
    tags: ['reports'],
    params: ReportParams,
    responses: { 200: ReporterView },
    handler: ({ params }, request) => {
      refuseHead(request);
      return myReport(ctx, actorOf(request), params.id, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/reports/mine/:id/messages',
    policy: 'reports.submit',
    summary: 'A message from the reporter to the team about their own report',
    tags: ['reports'],
    params: ReportParams,
    body: ReporterMessageBody,
    responses: { 201: ReporterView },
    handler: async ({ params, body }, request, reply) =>
      reply.code(201).send(await myMessage(ctx, actorOf(request), params.id, body.body, originOf(request))),
  });
}
