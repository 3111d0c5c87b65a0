import type { FastifyInstance } from 'fastify';
import { AcceptInvitationRequest, InvitationInfo, InvitationLookupRequest } from '../../../contract/accounts.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import type { AccountsContext } from '../session/context.ts';
import { originOf } from '../session/request-origin.ts';
import { acceptLink, lookupLink } from './invitations.service.ts';

export function invitationRoutes(app: FastifyInstance, ctx: AccountsContext): void {
  defineRoute(app, {
    method: 'POST',
    url: '/api/invitations/lookup',
    policy: 'public',
    summary: 'What a one-time link (invitation or password reset) is for',
    tags: ['invitations'],
    body: InvitationLookupRequest,
    responses: { 200: InvitationInfo },
    handler: ({ body }) => lookupLink(ctx, body.token),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/invitations/accept',
    policy: 'public',
    summary: 'Set the password through a one-time link',
    tags: ['invitations'],
    body: AcceptInvitationRequest,
    responses: { 204: { description: 'password set' } },
    handler: async ({ body }, request, reply) => {
      await acceptLink(ctx, body.token, body.password, originOf(request));
      return reply.code(204).send();
    },
  });
}
