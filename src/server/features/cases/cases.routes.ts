import type { FastifyInstance } from 'fastify';
import {
  AccessLog,
  AccessLogQuery,
  BreakGlass,
  CaseDetail,
  CaseList,
  CaseListQuery,
  CaseParams,
  ChangeStatus,
  CreateCase,
  SetPriority,
  StartBreakGlass,
  UpdateCase,
} from '../../../contract/cases.ts';
import { accessLog, endBreakGlass, startBreakGlass } from '../../cases/break-glass.service.ts';
import { createCase, getCase, listCases } from '../../cases/cases.service.ts';
import type { CasesContext } from '../../cases/context.ts';
import { changeStatus, setPriority, updateCase } from '../../cases/edits.service.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/**
 * Cases over HTTP (docs/cases.md). The route policies admit the roles that can work on cases at
 * all; whether the caller reaches this case, and which of it, is decided per request from their
 * membership or break-glass (cases/reach.ts), and anything out of reach is 404.
 */
export function caseRoutes(app: FastifyInstance, ctx: CasesContext): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/cases',
    policy: 'cases.access',
    summary: 'The cases in reach: a team lead’s list holds every case, anyone else’s their memberships',
    tags: ['cases'],
    query: CaseListQuery,
    responses: { 200: CaseList },
    handler: ({ query }, request) => {
      refuseHead(request);
      return listCases(ctx, actorOf(request), query, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases',
    policy: 'cases.create',
    summary: 'Open a case; its creator leads it',
    tags: ['cases'],
    body: CreateCase,
    responses: { 201: CaseDetail },
    handler: async ({ body }, request, reply) =>
      reply
        .code(201)
        .send(await createCase(ctx, actorOf(request), body as Parameters<typeof createCase>[2], originOf(request))),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id',
    policy: 'cases.access',
    summary: 'A case, as far as the caller’s membership, scope or break-glass reaches',
    tags: ['cases'],
    params: CaseParams,
    responses: { 200: CaseDetail },
    handler: ({ params }, request) => {
      refuseHead(request);
      return getCase(ctx, actorOf(request), params.id, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/cases/:id',
    policy: 'cases.access',
    summary: 'Edit a case’s title, summary and tags (names the version it saw; a stale one gets 409)',
    tags: ['cases'],
    params: CaseParams,
    body: UpdateCase,
    responses: { 200: CaseDetail },
    handler: ({ params, body }, request) => updateCase(ctx, actorOf(request), params.id, body, originOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/status',
    policy: 'cases.access',
    summary: 'Move a case through its workflow; closing, reopening and going back need a reason',
    tags: ['cases'],
    params: CaseParams,
    body: ChangeStatus,
    responses: { 200: CaseDetail },
    handler: ({ params, body }, request) => changeStatus(ctx, actorOf(request), params.id, body, originOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/priority',
    policy: 'cases.access',
    summary: 'Set a case’s priority by hand, with a reason',
    tags: ['cases'],
    params: CaseParams,
    body: SetPriority,
    responses: { 200: CaseDetail },
    handler: ({ params, body }, request) => setPriority(ctx, actorOf(request), params.id, body, originOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/break-glass',
    policy: 'cases.break_glass',
    stepUp: true,
    summary: 'Open a case one is not a member of, for a stated purpose and a limited time (team leads)',
    tags: ['cases'],
    params: CaseParams,
    body: StartBreakGlass,
    responses: { 201: BreakGlass },
    handler: async ({ params, body }, request, reply) =>
      reply
        .code(201)
        .send(
          await startBreakGlass(
            ctx,
            actorOf(request),
            params.id,
            body as Parameters<typeof startBreakGlass>[3],
            originOf(request),
          ),
        ),
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/cases/:id/break-glass',
    policy: 'cases.break_glass',
    summary: 'End one’s own break-glass on a case before its time',
    tags: ['cases'],
    params: CaseParams,
    responses: { 204: { description: 'ended' } },
    handler: async ({ params }, request, reply) => {
      await endBreakGlass(ctx, actorOf(request), params.id, originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/access-log',
    policy: 'cases.access',
    summary: 'Who opened which part of the case, and why for a break-glass (the lead and team leads)',
    tags: ['cases'],
    params: CaseParams,
    query: AccessLogQuery,
    responses: { 200: AccessLog },
    handler: ({ params, query }, request) => {
      refuseHead(request);
      return accessLog(ctx, actorOf(request), params.id, query, originOf(request));
    },
  });
}
