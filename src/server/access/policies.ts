import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CONTENT_ROLES, type Role } from '../../contract/accounts.ts';
import { TRIAGE_ROLES } from '../../contract/reports.ts';
import type { Actor } from './actor.ts';

/**
 * Every route names one of these policies in its definition; a route without one is refused at
 * start (routes.ts) and by the route-table test. A policy is a rule over the actor (and, for
 * object-level rules, the resource); deny is the default. A refused request is answered 404, so
 * it learns nothing about what exists; a request without a valid session on a route that needs
 * one gets 401, so the client knows to sign in. Object-level checks (this session, this case)
 * live in the services' queries, which find nothing for an actor without access, again a 404.
 * Cases: the policies admit the roles that work on cases at all; the case's own rule (membership,
 * scope, break-glass: cases/reach.ts) decides per case and answers 404 for anything out of reach.
 */
export interface PolicyContext {
  readonly request: FastifyRequest;
  readonly actor: Actor | undefined;
  readonly metricsToken: string | undefined;
}

export type Policy = (context: PolicyContext) => boolean | Promise<boolean>;

const signedIn: Policy = ({ actor }) => actor !== undefined;
const role =
  (...roles: Role[]): Policy =>
  ({ actor }) =>
    actor !== undefined && roles.includes(actor.role);

export const policies = {
  /** Anyone, signed in or not: health, the SPA shell, the API description, sign-in, setup, one-time links. */
  public: () => true,
  /**
   * The anonymous reporting channel (docs/intake.md): anyone, and nobody in particular. The session
   * cookie is not even looked up (a signed-in employee's session would otherwise be touched, and
   * dated, at the moment of an anonymous report), and the request leaves no log line or metric.
   */
  anonymous: () => true,
  /** Prometheus scrapers that present the metrics token; without a configured token, nobody. */
  metrics: ({ request, metricsToken }) => metricsToken !== undefined && bearerMatches(request, metricsToken),
  /** The signed-in user's own session, password and session list. */
  'self.manage': signedIn,
  /** The current session itself (read it, sign out): reachable even before the second factor is given. */
  'session.current': signedIn,
  /** The second step of a sign-in: only for a session whose second factor is due. */
  'session.mfa': ({ actor }) => actor?.mfa === 'challenge',
  /** Setting up one's own second factor (and confirming the password for it), also while it is required and missing. */
  'mfa.enrol': ({ actor }) => actor !== undefined && actor.mfa !== 'challenge',
  /** User administration: administrators only. They run the system but see no case content. */
  'users.manage': role('admin'),
  /** Four-eyes approvals of role grants and password resets: team leads only. */
  'approvals.decide': role('team_lead'),
  /** The audit trail, its export and verification: auditors only; they see who did what, never case content. */
  'audit.read': role('auditor'),
  /**
   * Documents: a signed-in user at the route; whether they may reach a document is the rule of its
   * owner (a case, a report), checked by the document service, which answers 404 otherwise.
   */
  'documents.access': signedIn,
  /** Case URLs: the roles that see case content; the case's rule decides per case (cases/reach.ts). */
  'cases.access': role(...CONTENT_ROLES),
  /** Opening a case: threat managers and team leads (experts are invited into cases). */
  'cases.create': role('threat_manager', 'team_lead'),
  /** Break-glass into a case one is not a member of: team leads only. */
  'cases.break_glass': role('team_lead'),
  /** Reporting a concern, and one's own reports: every employee with an account. */
  'reports.submit': signedIn,
  /** The triage inbox, reports recorded for callers, and triage decisions: threat managers and team leads. */
  'reports.triage': role(...TRIAGE_ROLES),
  /** Handing a leaving person's memberships to a successor: team leads only. */
  'cases.reassign': role('team_lead'),
  /** Importing assessment models: administrators (docs/models.md). */
  'models.import': role('admin'),
  /** Publishing and retiring them: team leads, who answer for how the team assesses. */
  'models.publish': role('team_lead'),
  /** Reading models: who imports, publishes or rates; drafts only the first two (models/registry.service.ts). */
  'models.read': role('admin', ...CONTENT_ROLES),
} satisfies Record<string, Policy>;

export type PolicyName = keyof typeof policies;

/**
 * Policies a session whose second factor is still due may pass (a "confined session"); every other
 * route answers it 401 mfa_required.
 */
export const MFA_CHALLENGE_POLICIES: ReadonlySet<PolicyName> = new Set(['session.current', 'session.mfa']);

/** Policies a session that must still set up its second factor may pass; every other route answers 401 mfa_enrolment_required. */
export const MFA_ENROL_POLICIES: ReadonlySet<PolicyName> = new Set(['session.current', 'mfa.enrol']);

/** Policies that anyone may pass without signing in; every other one answers 401 to anonymous callers. */
export const ANONYMOUS_POLICIES: ReadonlySet<PolicyName> = new Set(['public', 'anonymous', 'metrics']);

export function isPolicyName(name: unknown): name is PolicyName {
  return typeof name === 'string' && Object.hasOwn(policies, name);
}

/** Constant-time comparison of digests, so neither timing nor length gives the token away. */
function bearerMatches(request: FastifyRequest, expected: string): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header.slice(7)), digest(expected));
}
