import type { FastifyInstance } from 'fastify';
import { CaseParams } from '../../../contract/cases.ts';
import {
  AcknowledgeReport,
  AttachReport,
  CaseReports,
  CloseReport,
  OpenCaseFromReport,
  RecordReport,
  ReportParams,
  SubmittedReport,
  TeamMessage,
  TriageDetail,
  TriageList,
  TriageQuery,
  TriageResult,
} from '../../../contract/reports.ts';
import { caseReports } from '../../intake/case-reports.service.ts';
import type { IntakeContext } from '../../intake/context.ts';
import { acknowledge, attach, closeReport, messageReporter, openCase } from '../../intake/decisions.service.ts';
import { limitedPerAccount } from '../../intake/reporter.service.ts';
import { recordReport } from '../../intake/submit.service.ts';
import { getTriage, listTriage } from '../../intake/triage.service.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/** The triage inbox and its decisions, for threat managers and team leads (docs/intake.md, "Triage"). */
export function triageRoutes(app: FastifyInstance, ctx: IntakeContext): void {
  defineRoute(app, {
    method: 'POST',
    url: '/api/triage/reports',
    policy: 'reports.triage',
    summary: 'Record a report received by phone, e-mail, letter or in person, on the reporter’s behalf',
    tags: ['triage'],
    body: RecordReport,
    responses: { 201: SubmittedReport },
    handler: async ({ body }, request, reply) => {
      limitedPerAccount(ctx, actorOf(request).userId);
      return reply
        .code(201)
        .send(await recordReport(ctx, actorOf(request), body as Parameters<typeof recordReport>[2], originOf(request)));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/triage/reports',
    policy: 'reports.triage',
    summary: 'The triage inbox: reports by status, with urgency, channel, age and deadlines',
    tags: ['triage'],
    query: TriageQuery,
    responses: { 200: TriageList },
    handler: ({ query }, request) => {
      refuseHead(request);
      return listTriage(ctx, actorOf(request), query, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/triage/reports/:id',
    policy: 'reports.triage',
    summary: 'A report with its messages, deadlines and known-person hints (one in a case needs that case’s timeline)',
    tags: ['triage'],
    params: ReportParams,
    responses: { 200: TriageDetail },
    handler: ({ params }, request) => {
      refuseHead(request);
      return getTriage(ctx, actorOf(request), params.id, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/triage/reports/:id/messages',
    policy: 'reports.triage',
    summary: 'Write to the reporter (an acknowledgement or feedback meets its deadline)',
    tags: ['triage'],
    params: ReportParams,
    body: TeamMessage,
    responses: { 200: TriageDetail },
    handler: ({ params, body }, request) =>
      messageReporter(
        ctx,
        actorOf(request),
        params.id,
        body as Parameters<typeof messageReporter>[3],
        originOf(request),
      ),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/triage/reports/:id/acknowledge',
    policy: 'reports.triage',
    summary: 'Record that a caller’s report was acknowledged outside TMA, and on which day',
    tags: ['triage'],
    params: ReportParams,
    body: AcknowledgeReport,
    responses: { 200: TriageDetail },
    handler: ({ params, body }, request) => acknowledge(ctx, actorOf(request), params.id, body, originOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/triage/reports/:id/case',
    policy: 'reports.triage',
    summary: 'Open a new case from the report, led by the caller',
    tags: ['triage'],
    params: ReportParams,
    body: OpenCaseFromReport,
    responses: { 200: TriageResult },
    handler: ({ params, body }, request) => openCase(ctx, actorOf(request), params.id, body, originOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/triage/reports/:id/attach',
    policy: 'reports.triage',
    summary: 'Attach the report to an existing case; it then follows that case’s membership',
    tags: ['triage'],
    params: ReportParams,
    body: AttachReport,
    responses: { 200: TriageResult },
    handler: ({ params, body }, request) => attach(ctx, actorOf(request), params.id, body, originOf(request)),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/reports',
    policy: 'cases.access',
    summary: 'The reports of a case, for its members with the timeline section (who is named: identities section)',
    tags: ['cases'],
    params: CaseParams,
    responses: { 200: CaseReports },
    handler: ({ params }, request) => {
      refuseHead(request);
      return caseReports(ctx, actorOf(request), params.id, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/triage/reports/:id/close',
    policy: 'reports.triage',
    summary: 'Close the report without a case: no concern, malicious or mistaken, with a reason',
    tags: ['triage'],
    params: ReportParams,
    body: CloseReport,
    responses: { 200: TriageResult },
    handler: ({ params, body }, request) => closeReport(ctx, actorOf(request), params.id, body, originOf(request)),
  });
}
