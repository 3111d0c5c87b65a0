import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Problem } from '../../../contract/problem.ts';
import { defineRoute, type RouteSpec } from '../../platform/http/routes.ts';

type AnySpec = RouteSpec<unknown, unknown, unknown>;

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, so the
 * description cannot drift from the behaviour.
 */
export function openApiRoutes(app: FastifyInstance, version: string): void {
  const specs: AnySpec[] = [];
  app.addHook('onRoute', (options) => {
    const spec = options.config?.spec;
    if (spec !== undefined && !spec.hidden && options.method !== 'HEAD') specs.push(spec);
  });
  let document: object | undefined;

  defineRoute(app, {
    method: 'GET',
    url: '/api/openapi.json',
    policy: 'public',
    summary: 'This API description (OpenAPI 3.1)',
    tags: ['meta'],
    responses: { 200: { description: 'OpenAPI document' } },
    handler: () => {
      document ??= buildDocument(specs, version);
      return document;
    },
  });
}

const COMPONENTS = '#/components/schemas/';
const uri = (id: string) => `${COMPONENTS}${id}`;
const idOf = (schema: z.ZodType) => z.globalRegistry.get(schema)?.id;

/** A named contract schema becomes a reference to components/schemas; others are inlined. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): object {
  const id = idOf(schema);
  if (id !== undefined) return { $ref: uri(id) };
  const { $schema: _ignored, ...inline } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return inline;
}

/**
 * Every named contract schema once, under components/schemas: request bodies as the client must
 * send them (input: defaults optional), everything else as the server answers (output).
 */
function components(requestIds: ReadonlySet<string>): Record<string, object> {
  const pick = (io: 'input' | 'output') =>
    z.toJSONSchema(z.globalRegistry, { io, uri, unrepresentable: 'any' }).schemas as Record<
      string,
      Record<string, unknown>
    >;
  const output = pick('output');
  const input = pick('input');
  const result: Record<string, object> = {};
  for (const [id, schema] of Object.entries(output)) {
    const { $schema: _s, $id: _i, ...rest } = (requestIds.has(id) ? input[id] : undefined) ?? schema;
    result[id] = rest;
  }
  return result;
}

/** The fields of a multipart upload and its one file part named "file". */
function multipartBody(fields: z.ZodType): object {
  const file = { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] };
  return {
    required: true,
    content: { 'multipart/form-data': { schema: { allOf: [schemaOf(fields, 'input'), file] } } },
  };
}

/** The path's parameters, each with the schema the route checks it against (any string when it checks none). */
function pathParameters(url: string, params: z.ZodType | undefined): object[] {
  const shape = params instanceof z.ZodObject ? (params.shape as Record<string, z.ZodType>) : {};
  return [...url.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map(([, name = '']) => {
    const field = shape[name];
    return {
      name,
      in: 'path',
      required: true,
      schema: field === undefined ? { type: 'string' } : schemaOf(field, 'input'),
    };
  });
}

export function buildDocument(specs: readonly AnySpec[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const spec of specs) {
    const url = spec.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, object> = {};
    for (const [status, schema] of Object.entries(spec.responses)) {
      responses[status] =
        schema instanceof z.ZodType
          ? { description: spec.summary, content: { 'application/json': { schema: schemaOf(schema, 'output') } } }
          : schema;
    }
    responses.default = {
      description: 'Problem details (RFC 9457)',
      content: { 'application/problem+json': { schema: schemaOf(Problem, 'output') } },
    };
    const parameters = pathParameters(url, spec.params);
    const operation = {
      summary: spec.summary,
      tags: spec.tags ?? [],
      'x-policy': spec.policy,
      ...(spec.stepUp ? { 'x-step-up': true } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(spec.body, 'input') } },
            },
          }
        : {}),
      ...(spec.multipart ? { requestBody: multipartBody(spec.multipart) } : {}),
      responses,
    };
    const methods = Array.isArray(spec.method) ? spec.method : [spec.method];
    const path = paths[url] ?? {};
    paths[url] = path;
    for (const method of methods) path[String(method).toLowerCase()] = operation;
  }
  const requestIds = new Set(
    specs
      .flatMap((spec) => [spec.body, spec.multipart].flatMap((schema) => (schema ? [idOf(schema)] : [])))
      .filter((id) => id !== undefined),
  );
  return {
    openapi: '3.1.0',
    info: { title: 'TMA, the Threat Management Assistant', version },
    paths,
    components: { schemas: components(requestIds) },
  };
}
