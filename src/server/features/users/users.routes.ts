import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AdminActionResult, ChangeRoleRequest, InviteUserRequest, UserList, Uuid } from '../../../contract/accounts.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import type { AccountsContext } from '../session/context.ts';
import { actorOf, originOf } from '../session/request-origin.ts';
import { changeRole, inviteUser, listUsers, requireMfaReset, resetPassword, setLocked } from './users.service.ts';

const byId = z.strictObject({ id: Uuid });

export function userRoutes(app: FastifyInstance, ctx: AccountsContext): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/admin/users',
    policy: 'users.manage',
    summary: 'All user accounts',
    tags: ['users'],
    responses: { 200: UserList },
    handler: async () => ({ users: await listUsers(ctx) }),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/admin/users',
    policy: 'users.manage',
    stepUp: true,
    summary: 'Invite a user; a role that sees case content waits for a team lead’s approval',
    tags: ['users'],
    body: InviteUserRequest,
    responses: { 201: AdminActionResult },
    handler: async ({ body }, request, reply) =>
      reply.code(201).send(await inviteUser(ctx, actorOf(request), body, originOf(request))),
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/admin/users/:id/role',
    policy: 'users.manage',
    stepUp: true,
    summary: 'Change a user’s role and expertise; granting a role that sees case content waits for approval',
    tags: ['users'],
    params: byId,
    body: ChangeRoleRequest,
    responses: { 200: AdminActionResult },
    handler: ({ params, body }, request) => changeRole(ctx, actorOf(request), params.id, body, originOf(request)),
  });

  for (const [action, locked] of [
    ['lock', true],
    ['unlock', false],
  ] as const) {
    defineRoute(app, {
      method: 'POST',
      url: `/api/admin/users/:id/${action}`,
      policy: 'users.manage',
      // Unlocking gives access back, locking can take it from the only approver: both are grants.
      stepUp: true,
      summary: locked ? 'Lock an account (its sessions end)' : 'Unlock an account',
      tags: ['users'],
      params: byId,
      responses: { 200: AdminActionResult },
      handler: ({ params }, request) => setLocked(ctx, actorOf(request), params.id, locked, originOf(request)),
    });
  }

  defineRoute(app, {
    method: 'POST',
    url: '/api/admin/users/:id/password-reset',
    policy: 'users.manage',
    stepUp: true,
    summary: 'Force a password reset; for accounts that see case content it waits for approval',
    tags: ['users'],
    params: byId,
    responses: { 200: AdminActionResult },
    handler: ({ params }, request) => resetPassword(ctx, actorOf(request), params.id, originOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/admin/users/:id/mfa-reset',
    policy: 'users.manage',
    stepUp: true,
    summary: 'Require a new two-factor set-up (a lost phone): always waits for a team lead’s approval',
    tags: ['users', 'mfa'],
    params: byId,
    responses: { 200: AdminActionResult },
    handler: ({ params }, request) => requireMfaReset(ctx, actorOf(request), params.id, originOf(request)),
  });
}
