import type { FastifyInstance } from 'fastify';
import { CaseParams } from '../../../contract/cases.ts';
import { CaseRef, LinkCase, LinkParams, MergeCase, RelatedCases } from '../../../contract/links.ts';
import type { CasesContext } from '../../cases/context.ts';
import { linkCases, relatedCases, unlinkCases } from '../../cases/links.service.ts';
import { mergeCase } from '../../cases/merge.service.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/** Linked and merged cases (docs/cases.md, "Linking and merging"). */
export function linkRoutes(app: FastifyInstance, ctx: CasesContext): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/related',
    policy: 'cases.access',
    summary: 'The linked cases the caller reads wholly too, and the cases merged into this one with what moved',
    tags: ['cases'],
    params: CaseParams,
    responses: { 200: RelatedCases },
    handler: ({ params }, request) => {
      refuseHead(request);
      return relatedCases(ctx, actorOf(request), params.id, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/links',
    policy: 'cases.access',
    summary: 'Link a related case, named by its reference (by someone who edits the whole of both)',
    tags: ['cases'],
    params: CaseParams,
    body: LinkCase,
    responses: { 204: { description: 'linked' } },
    handler: async ({ params, body }, request, reply) => {
      await linkCases(ctx, actorOf(request), params.id, body.reference, originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/cases/:id/links/:otherId',
    policy: 'cases.access',
    summary: 'Remove the link between two cases',
    tags: ['cases'],
    params: LinkParams,
    responses: { 204: { description: 'unlinked' } },
    handler: async ({ params }, request, reply) => {
      await unlinkCases(ctx, actorOf(request), params.id, params.otherId, originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/merge',
    policy: 'cases.access',
    stepUp: true,
    summary: 'Merge this duplicate case into another: its persons, documents, members and links move there',
    tags: ['cases'],
    params: CaseParams,
    body: MergeCase,
    responses: { 200: CaseRef },
    handler: ({ params, body }, request) =>
      mergeCase(ctx, actorOf(request), params.id, body as Parameters<typeof mergeCase>[3], originOf(request)),
  });
}
