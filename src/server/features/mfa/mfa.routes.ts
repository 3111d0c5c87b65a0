import type { FastifyInstance } from 'fastify';
import { SessionInfo } from '../../../contract/accounts.ts';
import {
  MfaChallengeRequest,
  MfaStatus,
  RecoveryCodes,
  TotpConfirmRequest,
  TotpEnrolment,
} from '../../../contract/mfa.ts';
import { setSessionCookie } from '../../access/sessions/cookie.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import type { AccountsContext } from '../session/context.ts';
import { actorOf, originOf } from '../session/request-origin.ts';
import {
  completeChallenge,
  confirmTotpEnrolment,
  mfaStatus,
  regenerateRecoveryCodes,
  startTotpEnrolment,
} from './mfa.service.ts';

/** The user's own second factor: the sign-in challenge, enrolment, recovery codes. Never another user's. */
export function mfaRoutes(app: FastifyInstance, ctx: AccountsContext): void {
  defineRoute(app, {
    method: 'POST',
    url: '/api/session/mfa',
    policy: 'session.mfa',
    summary:
      'The second step of a sign-in: a code of the authenticator app, or a recovery code (the session is renewed)',
    tags: ['session', 'mfa'],
    body: MfaChallengeRequest,
    responses: { 200: SessionInfo },
    handler: async ({ body }, request, reply) => {
      const { token, info } = await completeChallenge(ctx, actorOf(request), body, originOf(request));
      setSessionCookie(reply, token);
      return info;
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/mfa',
    policy: 'mfa.enrol',
    summary: 'My second factors: the authenticator app and the recovery codes left',
    tags: ['mfa'],
    responses: { 200: MfaStatus },
    handler: (_input, request) => mfaStatus(ctx, actorOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/mfa/totp',
    policy: 'mfa.enrol',
    stepUp: true,
    summary: 'Start setting up an authenticator app (replaces the current one once confirmed)',
    tags: ['mfa'],
    responses: { 201: TotpEnrolment },
    handler: async (_input, request, reply) =>
      reply.code(201).send(await startTotpEnrolment(ctx, actorOf(request), originOf(request))),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/mfa/totp/confirm',
    policy: 'mfa.enrol',
    summary: 'Finish setting up the authenticator app with its first code; answers ten recovery codes, shown once',
    tags: ['mfa'],
    body: TotpConfirmRequest,
    responses: { 200: RecoveryCodes },
    handler: ({ body }, request) => confirmTotpEnrolment(ctx, actorOf(request), body.code, originOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/mfa/recovery-codes',
    policy: 'self.manage',
    stepUp: true,
    summary: 'Ten new recovery codes (the old ones stop working), shown once',
    tags: ['mfa'],
    responses: { 200: RecoveryCodes },
    handler: (_input, request) => regenerateRecoveryCodes(ctx, actorOf(request), originOf(request)),
  });
}
