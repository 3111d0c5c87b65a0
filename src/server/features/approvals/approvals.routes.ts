import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApprovalDecision, ApprovalList, Uuid } from '../../../contract/accounts.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import type { PersonIndex } from '../../search/persons.ts';
import type { AccountsContext } from '../session/context.ts';
import { actorOf, originOf } from '../session/request-origin.ts';
import { decide, listApprovals } from './approvals.service.ts';

const byId = z.strictObject({ id: Uuid });

export function approvalRoutes(app: FastifyInstance, ctx: AccountsContext & { readonly persons: PersonIndex }): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/approvals',
    policy: 'approvals.decide',
    summary: 'Role grants and password resets waiting for a second pair of eyes',
    tags: ['approvals'],
    responses: { 200: ApprovalList },
    handler: async () => ({ approvals: await listApprovals(ctx) }),
  });

  for (const [action, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    defineRoute(app, {
      method: 'POST',
      url: `/api/approvals/:id/${action}`,
      policy: 'approvals.decide',
      stepUp: approve,
      summary: approve ? 'Approve (the user’s one-time link, if any, is returned to the approver)' : 'Reject',
      tags: ['approvals'],
      params: byId,
      responses: { 200: ApprovalDecision },
      handler: ({ params }, request) => decide(ctx, actorOf(request), params.id, approve, originOf(request)),
    });
  }
}
