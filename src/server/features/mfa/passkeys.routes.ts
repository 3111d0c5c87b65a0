import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SessionInfo, Uuid } from '../../../contract/accounts.ts';
import {
  PasskeyOptions,
  PasskeyRegistered,
  PasskeyRegistrationRequest,
  PasskeySignInRequest,
} from '../../../contract/mfa.ts';
import { setSessionCookie } from '../../access/sessions/cookie.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import type { AccountsContext } from '../session/context.ts';
import { actorOf, originOf } from '../session/request-origin.ts';
import {
  passkeyChallenge,
  passkeyRegistrationOptions,
  passkeySignInOptions,
  registerPasskey,
  removePasskey,
  signInWithPasskey,
} from './passkeys.service.ts';

/** Passkeys: the user's own, as a second factor, for step-up, and as a sign-in of their own. */
export function passkeyRoutes(app: FastifyInstance, ctx: AccountsContext): void {
  defineRoute(app, {
    method: 'POST',
    url: '/api/mfa/passkeys/options',
    policy: 'mfa.enrol',
    stepUp: true,
    summary: 'Options for navigator.credentials.create(): the start of adding a passkey',
    tags: ['mfa'],
    responses: { 200: PasskeyOptions },
    handler: (_input, request) => passkeyRegistrationOptions(ctx, actorOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/mfa/passkeys',
    policy: 'mfa.enrol',
    stepUp: true,
    summary: 'Add the passkey the browser made; the first second factor also brings ten recovery codes',
    tags: ['mfa'],
    body: PasskeyRegistrationRequest,
    responses: { 201: PasskeyRegistered },
    handler: async ({ body }, request, reply) =>
      reply.code(201).send(await registerPasskey(ctx, actorOf(request), body, originOf(request))),
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/mfa/passkeys/:id',
    policy: 'self.manage',
    stepUp: true,
    summary: 'Remove one of my passkeys (not the last second factor of a role that requires one)',
    tags: ['mfa'],
    params: z.strictObject({ id: Uuid }),
    responses: { 204: { description: 'removed' } },
    handler: async ({ params }, request, reply) => {
      await removePasskey(ctx, actorOf(request), params.id, originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/session/passkey-challenge',
    policy: 'session.current',
    summary:
      'Options for navigator.credentials.get() with one of my passkeys: the second step of a sign-in, or a step-up',
    tags: ['session', 'mfa'],
    responses: { 200: PasskeyOptions },
    handler: (_input, request) => passkeyChallenge(ctx, actorOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/session/passkey/options',
    policy: 'public',
    summary: 'Options for navigator.credentials.get(): the start of a sign-in with a passkey alone',
    tags: ['session'],
    responses: { 200: PasskeyOptions },
    handler: (_input, request) => passkeySignInOptions(ctx, originOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/session/passkey',
    policy: 'public',
    summary: 'Sign in with a passkey alone (it counts as both factors)',
    tags: ['session'],
    body: PasskeySignInRequest,
    responses: { 200: SessionInfo },
    handler: async ({ body }, request, reply) => {
      const { token, info } = await signInWithPasskey(ctx, body.response, originOf(request));
      setSessionCookie(reply, token);
      return info;
    },
  });
}
