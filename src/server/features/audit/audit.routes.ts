import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AuditCheckpointView,
  AuditFilter,
  AuditPage,
  AuditQuery,
  AuditStatus,
  AuditVerification,
} from '../../../contract/audit.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';
import type { AuditContext } from './audit.context.ts';
import { checkpointNow, exportCsv, listEvents, status, verify } from './audit.service.ts';

/** The audit viewer, export and verification: auditors only. They see who did what, never case content. */
export function auditRoutes(app: FastifyInstance, ctx: AuditContext): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/audit/events',
    policy: 'audit.read',
    summary: 'A page of the audit trail, newest first, filtered',
    tags: ['audit'],
    query: AuditQuery,
    responses: { 200: AuditPage },
    handler: ({ query }, request) => listEvents(ctx, actorOf(request), query, originOf(request)),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/audit/events.csv',
    policy: 'audit.read',
    stepUp: true,
    summary: 'The filtered audit trail as CSV (at most 100,000 rows; the export is itself recorded)',
    tags: ['audit'],
    query: AuditFilter,
    responses: { 200: { description: 'text/csv, as an attachment' } },
    handler: async ({ query }, request, reply) => {
      const { rows, stream } = await exportCsv(ctx, actorOf(request), query, originOf(request));
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="tma-audit-${day}.csv"`)
        .header('x-tma-rows', String(rows))
        .send(stream);
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/audit/status',
    policy: 'audit.read',
    summary: 'The chain head, the latest checkpoint, the unchained tail and the last verification',
    tags: ['audit'],
    responses: { 200: AuditStatus },
    handler: () => status(ctx),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/audit/verify',
    policy: 'audit.read',
    summary: 'Recompute the hash chain and check it against the signed checkpoints',
    tags: ['audit'],
    responses: { 200: AuditVerification },
    handler: (_input, request) => verify(ctx, actorOf(request), originOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/audit/checkpoints',
    policy: 'audit.read',
    summary: 'Sign the current chain head now',
    tags: ['audit'],
    responses: { 200: z.strictObject({ checkpoint: AuditCheckpointView.nullable() }) },
    handler: async (_input, request) => ({ checkpoint: await checkpointNow(ctx, actorOf(request), originOf(request)) }),
  });
}
