import type { FastifyInstance } from 'fastify';
import { SetupRequest, SetupResult, SetupStatus } from '../../../contract/accounts.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import type { AccountsContext } from '../session/context.ts';
import { originOf } from '../session/request-origin.ts';
import { completeSetup, setupNeeded } from './setup.service.ts';
import { removeSetupLinkFile } from './setup-token.ts';

export function setupRoutes(app: FastifyInstance, ctx: AccountsContext, secretsDir: string): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/setup',
    policy: 'public',
    summary: 'Whether this installation still needs its first administrator',
    tags: ['setup'],
    responses: { 200: SetupStatus },
    handler: async () => ({ needed: await setupNeeded(ctx) }),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/setup',
    policy: 'public',
    summary: 'Create the first administrator and invite the first team lead (needs the one-time setup token)',
    tags: ['setup'],
    body: SetupRequest,
    responses: { 201: SetupResult },
    handler: async ({ body }, request, reply) => {
      const result = await completeSetup(ctx, body, originOf(request));
      removeSetupLinkFile(secretsDir);
      return reply.code(201).send(result);
    },
  });
}
