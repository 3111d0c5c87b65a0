import type { FastifyInstance } from 'fastify';
import {
  CandidateList,
  CaseParams,
  ChangeMember,
  GrantMember,
  Handover,
  MemberList,
  MemberParams,
  Reassign,
  ReassignResult,
  RevokeQuery,
  TransferLead,
} from '../../../contract/cases.ts';
import type { CasesContext } from '../../cases/context.ts';
import { handoverCandidates, reassignMemberships } from '../../cases/handover.ts';
import { changeMember, grantMember, revokeMember, transferLead } from '../../cases/members.service.ts';
import { listCandidates, listMembers } from '../../cases/roster.service.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/** A case's members and their scopes (docs/cases.md); every change needs a fresh step-up. */
export function memberRoutes(app: FastifyInstance, ctx: CasesContext): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/members',
    policy: 'cases.access',
    summary: 'Who works on the case, in which role and scope, until when',
    tags: ['cases'],
    params: CaseParams,
    responses: { 200: MemberList },
    handler: ({ params }, request) => {
      refuseHead(request);
      return listMembers(ctx, actorOf(request), params.id, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/candidates',
    policy: 'cases.access',
    summary: 'Accounts that could be granted membership (the lead and team leads)',
    tags: ['cases'],
    params: CaseParams,
    responses: { 200: CandidateList },
    handler: async ({ params }, request) => {
      refuseHead(request);
      return { candidates: await listCandidates(ctx, actorOf(request), params.id, originOf(request)) };
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/members',
    policy: 'cases.access',
    stepUp: true,
    summary: 'Grant membership with a role and a scope (the lead and team leads)',
    tags: ['cases'],
    params: CaseParams,
    body: GrantMember,
    responses: { 204: { description: 'granted' } },
    handler: async ({ params, body }, request, reply) => {
      await grantMember(ctx, actorOf(request), params.id, body as Parameters<typeof grantMember>[3], originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/cases/:id/members/:userId',
    policy: 'cases.access',
    stepUp: true,
    summary: 'Change a member’s scope or end date',
    tags: ['cases'],
    params: MemberParams,
    body: ChangeMember,
    responses: { 204: { description: 'changed' } },
    handler: async ({ params, body }, request, reply) => {
      await changeMember(
        ctx,
        actorOf(request),
        params.id,
        params.userId,
        body as Parameters<typeof changeMember>[4],
        originOf(request),
      );
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/cases/:id/members/:userId',
    policy: 'cases.access',
    stepUp: true,
    summary: 'Revoke a membership; it holds from the member’s very next request',
    tags: ['cases'],
    params: MemberParams,
    query: RevokeQuery,
    responses: { 204: { description: 'revoked' } },
    handler: async ({ params, query }, request, reply) => {
      await revokeMember(ctx, actorOf(request), params.id, params.userId, query.expectedVersion, originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/lead',
    policy: 'cases.access',
    stepUp: true,
    summary: 'Hand the lead of the case to a threat manager or team lead',
    tags: ['cases'],
    params: CaseParams,
    body: TransferLead,
    responses: { 204: { description: 'handed over' } },
    handler: async ({ params, body }, request, reply) => {
      await transferLead(ctx, actorOf(request), params.id, body, originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/case-memberships/handover',
    policy: 'cases.reassign',
    summary: 'Accounts that left and still hold memberships, and who may take them over (team leads)',
    tags: ['cases'],
    responses: { 200: Handover },
    handler: (_input, request) => {
      refuseHead(request);
      return handoverCandidates(ctx, actorOf(request));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/users/:id/case-memberships/reassign',
    policy: 'cases.reassign',
    stepUp: true,
    summary: 'Hand all of a leaving person’s case memberships to a successor (team leads)',
    tags: ['cases'],
    params: CaseParams,
    body: Reassign,
    responses: { 200: ReassignResult },
    handler: ({ params, body }, request) =>
      reassignMemberships(ctx, actorOf(request), params.id, body.toUserId, originOf(request)),
  });
}
