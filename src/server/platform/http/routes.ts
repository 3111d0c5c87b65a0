import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { z } from 'zod';
import {
  ANONYMOUS_POLICIES,
  isPolicyName,
  MFA_CHALLENGE_POLICIES,
  MFA_ENROL_POLICIES,
  type Policy,
  type PolicyName,
  policies,
} from '../../access/policies.ts';
import type { Clock } from '../clock.ts';
import { NotFoundError, UnauthenticatedError, ValidationError } from './errors.ts';

/**
 * How a route is declared: method, path, policy, input schemas and documented responses, and a
 * handler that sees only validated input. Routes read top to bottom and never touch SQL.
 */
export interface RouteSpec<Body, Query, Params> {
  readonly method: HTTPMethods;
  readonly url: string;
  readonly policy: PolicyName;
  readonly summary: string;
  readonly tags?: readonly string[];
  readonly body?: z.ZodType<Body>;
  /** A multipart/form-data body: these fields, then one file part named "file" (the handler reads the parts). */
  readonly multipart?: z.ZodType;
  readonly query?: z.ZodType<Query>;
  readonly params?: z.ZodType<Params>;
  /** Status code to response schema (JSON), for the OpenAPI document. */
  readonly responses: Readonly<Record<number, z.ZodType | { description: string }>>;
  /** Left out of the OpenAPI document (the SPA shell and its assets). */
  readonly hidden?: boolean;
  /** Needs the password re-entered recently (POST /api/session/step-up; TMA_STEP_UP_SECONDS, default 5 minutes). */
  readonly stepUp?: boolean;
  /** Asked by the app on its own, never by the person (an event stream): it does not extend the idle timeout. */
  readonly passive?: boolean;
  readonly handler: (
    input: { body: Body; query: Query; params: Params },
    request: FastifyRequest,
    reply: FastifyReply,
  ) => unknown;
}

export interface RouteConfig {
  readonly policy: PolicyName;
  readonly spec: RouteSpec<unknown, unknown, unknown>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: PolicyName;
    spec?: RouteSpec<unknown, unknown, unknown>;
    stepUp?: boolean;
    passive?: boolean;
  }
}

export function defineRoute<B = undefined, Q = undefined, P = undefined>(
  app: FastifyInstance,
  spec: RouteSpec<B, Q, P>,
): void {
  const s = spec as unknown as RouteSpec<unknown, unknown, unknown>;
  app.route({
    method: spec.method,
    url: spec.url,
    config: { policy: spec.policy, spec: s, stepUp: spec.stepUp === true, passive: spec.passive === true },
    // The anonymous channel writes no log line at all, not even a plugin's debug line: a line is dated.
    ...(spec.policy === 'anonymous' ? { logLevel: 'silent' } : {}),
    handler: (request, reply) => {
      const input = {
        // A multipart body is read by the handler, part by part (never parsed here).
        body: s.multipart === undefined ? parse(s.body, request.body, 'body') : undefined,
        query: parse(s.query, request.query, 'query'),
        params: parse(s.params, request.params, 'params'),
      };
      return s.handler(input, request, reply);
    },
  });
}

function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (schema === undefined) {
    // A route that declares no input accepts none: an unexpected body or query is an error.
    const empty =
      value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0);
    if (!empty) throw new ValidationError([{ path: where, message: `this endpoint takes no ${where}` }]);
    return undefined;
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(
      result.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message })),
    );
  }
  return result.data;
}

/**
 * Deny by default: installed as the first onRequest hook. A route without a known policy (a
 * mistake the route-table test also catches) and the not-found handler answer 404.
 */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly policy: unknown;
}

const tables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route registered on the app, with the policy it declared (for the route-table walk). */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  return tables.get(app) ?? [];
}

export interface PolicySettings {
  readonly metricsToken: string | undefined;
  readonly clock: Clock;
  /** How long a password confirmation (step-up) counts. */
  readonly stepUpMs: number;
  /** Records a signed-in user's refused request (the audit event access.denied). */
  readonly onDenied?: (request: FastifyRequest) => Promise<void>;
}

export function installPolicyCheck(app: FastifyInstance, settings: PolicySettings): void {
  const table: RouteEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (options) => {
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    for (const method of methods)
      table.push({ method: String(method), url: options.url, policy: options.config?.policy });
    if (!isPolicyName(options.config?.policy)) {
      throw new Error(`route ${String(options.method)} ${options.url} declares no policy`);
    }
  });
  app.addHook('onRequest', (request, _reply, done) => {
    const name = request.routeOptions.config.policy;
    if (!isPolicyName(name)) return done(new NotFoundError());
    // A confined session (second factor due, or required and not set up) learns nothing from any
    // other route's policy.
    const mfa = request.actor?.mfa;
    if (mfa === 'challenge' && !MFA_CHALLENGE_POLICIES.has(name) && !ANONYMOUS_POLICIES.has(name)) {
      return done(new UnauthenticatedError('Enter the code of your authenticator app first.', 'mfa_required'));
    }
    if (mfa === 'enrol' && !MFA_ENROL_POLICIES.has(name) && !ANONYMOUS_POLICIES.has(name)) {
      return done(new UnauthenticatedError('Set up two-factor authentication first.', 'mfa_enrolment_required'));
    }
    const decide = (allowed: boolean) => {
      const error = verdict(request, name, allowed, settings);
      // A signed-in user refused by a policy is an audit event (SECURITY.md item 40). It is written
      // on its own, before any transaction of this request could begin, so nothing rolls it back.
      if (error instanceof NotFoundError && request.actor !== undefined && settings.onDenied !== undefined) {
        settings.onDenied(request).then(
          () => done(error),
          (e: unknown) => done(e as Error),
        );
        return;
      }
      done(error);
    };
    const result: boolean | Promise<boolean> = (policies[name] as Policy)({
      request,
      actor: request.actor,
      metricsToken: settings.metricsToken,
    });
    // Most policies answer synchronously; only those that query the database return a promise.
    if (typeof result === 'boolean') return decide(result);
    result.then(decide, (error: unknown) => done(error as Error));
  });
}

function verdict(
  request: FastifyRequest,
  name: PolicyName,
  allowed: boolean,
  settings: PolicySettings,
): Error | undefined {
  const actor = request.actor;
  if (!allowed) {
    if (actor === undefined && !ANONYMOUS_POLICIES.has(name)) {
      return request.sessionExpired
        ? new UnauthenticatedError('Your session has timed out; please sign in again.', 'session_expired')
        : new UnauthenticatedError('Please sign in.');
    }
    return new NotFoundError();
  }
  if (request.routeOptions.config.stepUp === true) {
    const fresh =
      actor?.stepUpAt != null && settings.clock.now().getTime() - actor.stepUpAt.getTime() < settings.stepUpMs;
    if (!fresh) return new UnauthenticatedError('Please confirm your password to continue.', 'step_up_required');
  }
  return undefined;
}
