import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError, ServiceUnavailableError } from '../../platform/http/errors.ts';
import { defineRoute } from '../../platform/http/routes.ts';

export const WEB_DIST_DIR = fileURLToPath(new URL('../../../../dist/web/', import.meta.url));

const ASSET_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)?[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

const wildcard = z.strictObject({ '*': z.string().max(2048) });
/** Client-side routes may carry any query; the server reads none of it. */
const anyQuery = z.record(z.string().max(200), z.union([z.string().max(4096), z.array(z.string().max(4096))]));

/**
 * Serves the built SPA: hashed assets with a long cache life, the few top-level files by name,
 * and index.html for every other GET outside /api, where the client-side router takes over.
 */
export async function webRoutes(app: FastifyInstance, distDir = WEB_DIST_DIR): Promise<void> {
  const built = existsSync(path.join(distDir, 'index.html'));
  const topLevelFiles = new Set(built ? readdirSync(distDir).filter((f) => f !== 'index.html' && f.includes('.')) : []);
  if (built) await app.register(fastifyStatic, { root: distDir, serve: false, dotfiles: 'deny', index: false });

  defineRoute(app, {
    method: 'GET',
    url: '/assets/*',
    policy: 'public',
    summary: 'Built web assets',
    hidden: true,
    params: wildcard,
    query: anyQuery,
    responses: { 200: { description: 'file' } },
    handler: ({ params }, _request, reply) => {
      // Only the names Vite writes: a hash (or a library's version) in the name, so they may be cached for a year;
      // at most one directory (pdf.js's decoders), and no name of dots only.
      if (!built || !ASSET_PATH.test(params['*'])) throw new NotFoundError();
      return reply.sendFile(`assets/${params['*']}`, { maxAge: '365d', immutable: true });
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/*',
    policy: 'public',
    summary: 'The web application',
    hidden: true,
    params: wildcard,
    query: anyQuery,
    responses: { 200: { description: 'HTML' } },
    handler: ({ params }, _request, reply) => {
      const rest = params['*'];
      if (rest === 'api' || rest.startsWith('api/')) throw new NotFoundError();
      if (!built) throw new ServiceUnavailableError('The web application has not been built; run npm run build.');
      if (topLevelFiles.has(rest)) return reply.sendFile(rest, { maxAge: '1d' });
      // A missing file (robots.txt, an old asset) is a 404, not the app: client routes have no dots.
      if (/\.[A-Za-z0-9]{1,8}$/.test(rest)) throw new NotFoundError();
      return reply.header('cache-control', 'no-store').sendFile('index.html', { cacheControl: false });
    },
  });
}
