import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ChangePasswordRequest,
  SessionInfo,
  SessionList,
  SignInRequest,
  StepUpRequest,
  Uuid,
} from '../../../contract/accounts.ts';
import { SignOutResult } from '../../../contract/sso.ts';
import { clearSessionCookie, setSessionCookie } from '../../access/sessions/cookie.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import type { AccountsContext } from './context.ts';
import { actorOf, originOf } from './request-origin.ts';
import {
  changePassword,
  listSessions,
  revokeSession,
  sessionInfo,
  signIn,
  signOut,
  stepUp,
} from './session.service.ts';

/** `endSessionUrl`: RP-initiated logout at the identity provider, when single sign-on is configured. */
export function sessionRoutes(
  app: FastifyInstance,
  ctx: AccountsContext,
  endSessionUrl?: () => Promise<string | undefined>,
): void {
  defineRoute(app, {
    method: 'POST',
    url: '/api/session',
    policy: 'public',
    summary: 'Sign in with e-mail and password',
    tags: ['session'],
    body: SignInRequest,
    responses: { 200: SessionInfo },
    handler: async ({ body }, request, reply) => {
      const { token, info } = await signIn(ctx, body.email, body.password, originOf(request));
      setSessionCookie(reply, token);
      return info;
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/session',
    policy: 'session.current',
    summary: 'The current session and its CSRF token',
    tags: ['session'],
    responses: { 200: SessionInfo },
    handler: (_input, request) => sessionInfo(actorOf(request)),
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/session',
    policy: 'session.current',
    summary:
      'Sign out: the session ends on the server and the browser clears its data; after single sign-on, the address that ends the session at the provider too',
    tags: ['session'],
    responses: { 204: { description: 'signed out' }, 200: SignOutResult },
    handler: async (_input, request, reply) => {
      const viaSso = await signOut(ctx, actorOf(request), originOf(request));
      clearSessionCookie(reply);
      reply.header('clear-site-data', '"cache", "cookies", "storage"');
      const logoutUrl = viaSso && endSessionUrl !== undefined ? await endSessionUrl() : undefined;
      return logoutUrl === undefined ? reply.code(204).send() : { logoutUrl };
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/session/step-up',
    policy: 'mfa.enrol',
    summary: 'Confirm the password, or a code of the authenticator app, for sensitive actions (valid for 5 minutes)',
    tags: ['session'],
    body: StepUpRequest,
    responses: { 204: { description: 'confirmed' } },
    handler: async ({ body }, request, reply) => {
      await stepUp(ctx, actorOf(request), body, originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/me/sessions',
    policy: 'self.manage',
    summary: 'My open sessions',
    tags: ['session'],
    responses: { 200: SessionList },
    handler: async (_input, request) => ({ sessions: await listSessions(ctx, actorOf(request)) }),
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/me/sessions/:id',
    policy: 'self.manage',
    summary: 'End one of my sessions',
    tags: ['session'],
    params: z.strictObject({ id: Uuid }),
    responses: { 204: { description: 'ended' } },
    handler: async ({ params }, request, reply) => {
      await revokeSession(ctx, actorOf(request), params.id, originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/me/password',
    policy: 'self.manage',
    summary: 'Change my password; all my sessions end',
    tags: ['session'],
    body: ChangePasswordRequest,
    responses: { 204: { description: 'changed' } },
    handler: async ({ body }, request, reply) => {
      await changePassword(ctx, actorOf(request), body.currentPassword, body.newPassword, originOf(request));
      clearSessionCookie(reply);
      return reply.code(204).send();
    },
  });
}
