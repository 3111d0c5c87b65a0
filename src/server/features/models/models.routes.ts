import type { FastifyInstance } from 'fastify';
import {
  DiffQuery,
  ImportModel,
  ModelDetail,
  ModelDiff,
  ModelList,
  ModelRef,
  ModelSummary,
  OptionalItems,
  PublishModel,
  SetOptionalItems,
} from '../../../contract/models/registry.ts';
import { optionalItemsOf, setOptionalItems } from '../../models/optional-items.ts';
import {
  diffOf,
  importModel,
  listModels,
  type ModelsContext,
  modelOf,
  publishModel,
  retireModel,
} from '../../models/registry.service.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/** The registry of assessment models (docs/models.md). */
export function modelRoutes(app: FastifyInstance, ctx: ModelsContext): void {
  defineRoute(app, {
    method: 'POST',
    url: '/api/models',
    policy: 'models.import',
    summary:
      'Import a model definition (YAML or JSON) as a draft; 400 model_invalid names the line and field of every problem',
    tags: ['models'],
    body: ImportModel,
    responses: { 201: ModelSummary },
    handler: async ({ body }, request, reply) => {
      reply.code(201);
      return importModel(ctx, actorOf(request), body.source, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/models',
    policy: 'models.read',
    summary: 'Every version of every model the caller may see (drafts: administrators and team leads)',
    tags: ['models'],
    responses: { 200: ModelList },
    handler: async (_input, request) => ({ models: await listModels(ctx, actorOf(request)) }),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/models/:key/diff',
    policy: 'models.read',
    summary:
      'What changed from one version of a model to another, and whether the newer one’s migration map fits the older',
    tags: ['models'],
    params: ModelRef.pick({ key: true }),
    query: DiffQuery,
    responses: { 200: ModelDiff },
    handler: ({ params, query }, request) => diffOf(ctx, actorOf(request), params.key, query.from, query.to),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/models/:key/optional-items',
    policy: 'models.read',
    summary: 'The optional items of a model the organisation uses (every other optional item is off)',
    tags: ['models'],
    params: ModelRef.pick({ key: true }),
    responses: { 200: OptionalItems },
    handler: ({ params }, request) => optionalItemsOf(ctx, actorOf(request), params.key),
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/models/:key/optional-items',
    policy: 'models.publish',
    stepUp: true,
    summary:
      'Set the optional items of a model the organisation uses, as read (409 stale_version after another change): assessments started from then on show them (400 unknown_optional_item names the index of a key that is none)',
    tags: ['models'],
    params: ModelRef.pick({ key: true }),
    body: SetOptionalItems,
    responses: { 200: OptionalItems },
    handler: ({ params, body }, request) =>
      setOptionalItems(ctx, actorOf(request), params.key, body.items, body.expected, originOf(request)),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/models/:key/:version',
    policy: 'models.read',
    summary: 'One version of a model with its whole definition',
    tags: ['models'],
    params: ModelRef,
    responses: { 200: ModelDetail },
    handler: ({ params }, request) => modelOf(ctx, actorOf(request), params.key, params.version),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/models/:key/:version/publish',
    policy: 'models.publish',
    stepUp: true,
    summary:
      'Publish a draft as read (its import time): then it never changes (409 placeholders_unfilled names the licensed content still missing)',
    tags: ['models'],
    params: ModelRef,
    body: PublishModel,
    responses: { 200: ModelSummary },
    handler: ({ params, body }, request) =>
      publishModel(ctx, actorOf(request), params.key, params.version, body.expectedImportedAt, originOf(request)),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/models/:key/:version/retire',
    policy: 'models.publish',
    stepUp: true,
    summary: 'Retire a published version: no new assessment starts from it',
    tags: ['models'],
    params: ModelRef,
    responses: { 200: ModelSummary },
    handler: ({ params }, request) => retireModel(ctx, actorOf(request), params.key, params.version, originOf(request)),
  });
}
