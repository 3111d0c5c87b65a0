import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SsoRedirect, SsoStartRequest, SsoStatus } from '../../../contract/sso.ts';
import { setSessionCookie } from '../../access/sessions/cookie.ts';
import { describeFailure } from '../../access/sso/relying-party.ts';
import type { OidcConfig } from '../../config.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';
import { clearFlowCookie, readFlowCookie, setFlowCookie } from './flow-cookie.ts';
import { type CallbackOutcome, finishFlow, isLinked, type SsoContext, startFlow, unlink } from './sso.service.ts';

/** Where the browser lands after the provider's answer: pages of the SPA. */
function landingOf(outcome: CallbackOutcome): string {
  switch (outcome.kind) {
    case 'signed_in':
      return outcome.mfa === 'challenge' ? '/sign-in/code' : outcome.mfa === 'enrol' ? '/sign-in/set-up' : '/';
    case 'linked':
    case 'stepped_up':
      return outcome.returnTo ?? '/profile';
    case 'failed':
      return `/sign-in/sso-error?reason=${outcome.reason}`;
  }
}

/** Whether single sign-on is on; GET /api/sso answers on every installation, the rest only with TMA_OIDC_* set. */
export function ssoStatusRoute(app: FastifyInstance, oidc: OidcConfig | undefined, ctx: SsoContext | undefined): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/sso',
    policy: 'public',
    summary: 'Whether single sign-on is configured, and whether my account is linked to it',
    tags: ['sso'],
    responses: { 200: SsoStatus },
    handler: async (_input, request) => ({
      enabled: oidc !== undefined,
      label: oidc?.label ?? null,
      linked: ctx !== undefined && request.actor !== undefined ? await isLinked(ctx, request.actor.userId) : null,
    }),
  });
}

export function ssoRoutes(app: FastifyInstance, ctx: SsoContext): void {
  defineRoute(app, {
    method: 'POST',
    url: '/api/sso/sign-in',
    policy: 'public',
    summary: 'Start a sign-in through the identity provider: answers its address for the browser',
    tags: ['sso'],
    responses: { 200: SsoRedirect },
    handler: async (_input, request, reply) => {
      const { url, browserToken } = await startFlow(ctx, 'sign_in', undefined, null, originOf(request));
      setFlowCookie(reply, browserToken);
      return { url };
    },
  });

  // Both go to the provider for the signed-in user and come back to the page they started on.
  for (const spec of [
    {
      url: '/api/sso/link',
      purpose: 'link',
      policy: 'self.manage',
      stepUp: true,
      summary: 'Link my account to my identity at the provider (the next sign-in may then go through it)',
    },
    {
      url: '/api/sso/step-up',
      purpose: 'step_up',
      policy: 'mfa.enrol',
      stepUp: false,
      summary: 'Confirm who I am at the provider again (it authenticates me anew) for sensitive actions',
    },
  ] as const) {
    defineRoute(app, {
      method: 'POST',
      url: spec.url,
      policy: spec.policy,
      stepUp: spec.stepUp,
      summary: spec.summary,
      tags: ['sso'],
      body: SsoStartRequest,
      responses: { 200: SsoRedirect },
      handler: async ({ body }, request, reply) => {
        const returnTo = body.returnTo ?? null;
        const { url, browserToken } = await startFlow(ctx, spec.purpose, actorOf(request), returnTo, originOf(request));
        setFlowCookie(reply, browserToken);
        return { url };
      },
    });
  }

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/sso/link',
    policy: 'self.manage',
    stepUp: true,
    summary: 'Release my account from the provider (not if single sign-on is my only way to sign in)',
    tags: ['sso'],
    responses: { 204: { description: 'unlinked' } },
    handler: async (_input, request, reply) => {
      await unlink(ctx, actorOf(request), originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/sso/callback',
    policy: 'public',
    summary: "The provider's answer (the redirect URI): signs in, links or confirms, then sends the browser on",
    tags: ['sso'],
    // What the provider may send (RFC 6749 4.1.2, RFC 9207); openid-client reads the URL itself.
    query: z.object({
      code: z.string().max(2000).optional(),
      state: z.string().max(200).optional(),
      iss: z.string().max(500).optional(),
      session_state: z.string().max(500).optional(),
      error: z.string().max(200).optional(),
      error_description: z.string().max(2000).optional(),
      error_uri: z.string().max(2000).optional(),
    }),
    responses: { 302: { description: 'to the next page of TMA, or to the error page' } },
    handler: async (_input, request, reply) => {
      const callbackUrl = new URL(request.url, ctx.publicOrigin);
      let outcome: CallbackOutcome;
      try {
        outcome = await finishFlow(ctx, callbackUrl, readFlowCookie(request), originOf(request));
      } catch (error) {
        // A browser page, not an API client: an unforeseen failure still lands on the error page (and in the log).
        request.log.error({ err: error }, 'single sign-on callback failed');
        outcome = { kind: 'failed', reason: 'unavailable' };
      }
      if (outcome.kind === 'failed' && outcome.error !== undefined) {
        request.log.warn(
          { reason: outcome.reason, cause: describeFailure(outcome.error.cause) },
          'single sign-on refused',
        );
      }
      clearFlowCookie(reply);
      if (outcome.kind === 'signed_in') setSessionCookie(reply, outcome.token);
      return reply.redirect(landingOf(outcome), 302);
    },
  });
}
