import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ROLES, type Role } from '../../src/contract/accounts.ts';
import { ANONYMOUS_POLICIES, isPolicyName, type PolicyName } from '../../src/server/access/policies.ts';
import { routeTable } from '../../src/server/platform/http/routes.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';

/** Who each policy lets in. A new policy must be added here, or this test fails. */
const ALLOWED: Record<Exclude<PolicyName, 'public' | 'anonymous' | 'metrics'>, readonly Role[]> = {
  'self.manage': ROLES,
  'session.current': ROLES,
  'mfa.enrol': ROLES,
  // Only a session whose second factor is due; these sessions have none.
  'session.mfa': [],
  'users.manage': ['admin'],
  'approvals.decide': ['team_lead'],
  'audit.read': ['auditor'],
  // Every role at the route; the owner's rule decides per document (documents.test.ts).
  'documents.access': ROLES,
  // The roles that work on cases; the case's own rule decides per case (case-access-matrix.test.ts).
  'cases.access': ['threat_manager', 'team_lead', 'expert'],
  'cases.create': ['threat_manager', 'team_lead'],
  'cases.break_glass': ['team_lead'],
  'cases.reassign': ['team_lead'],
  // Every employee reports; only their own reports are theirs (intake.test.ts).
  'reports.submit': ROLES,
  'reports.triage': ['threat_manager', 'team_lead'],
  'models.import': ['admin'],
  'models.publish': ['team_lead'],
  'models.read': ['admin', 'threat_manager', 'team_lead', 'expert'],
};

/**
 * The role × endpoint matrix, generated from the route table: anonymous callers get 401 on
 * every route that needs a session; a signed-in role the policy does not admit gets 404 (the
 * same answer as for something that does not exist), even with the CSRF token and a fresh step-up.
 */
describe('role × endpoint matrix', () => {
  let t: TestApp;
  const browsers = new Map<Role, Browser>();
  before(async () => {
    t = await buildTestApp('pglite');
    for (const role of ROLES) {
      const b = await signIn(t, (await createAccount(t, role)).email);
      await stepUp(t, b);
      browsers.set(role, b);
    }
  });
  after(() => t.close());

  test('every policy is in the matrix', () => {
    for (const route of routeTable(t.app)) {
      assert.ok(isPolicyName(route.policy));
      if (!ANONYMOUS_POLICIES.has(route.policy))
        assert.ok(route.policy in ALLOWED, `${route.policy} is not in the matrix`);
    }
  });

  test('anonymous: 401; roles outside the policy: 404; roles inside: not refused', async () => {
    const routes = routeTable(t.app).filter(
      (r) => r.method !== 'HEAD' && isPolicyName(r.policy) && !ANONYMOUS_POLICIES.has(r.policy),
    );
    assert.ok(routes.length >= 10);
    for (const route of routes) {
      const url = route.url.replace(/:[a-zA-Z]+/g, () => randomUUID());
      const method = route.method as 'GET' | 'POST' | 'PUT' | 'DELETE';
      const anonymous = await call(t, undefined, method, url, method === 'GET' ? undefined : {});
      assert.equal(anonymous.statusCode, 401, `anonymous ${method} ${url}`);
      const allowed = ALLOWED[route.policy as keyof typeof ALLOWED];
      for (const role of ROLES) {
        // Signing out would end the session this test reuses; sign-out has its own tests.
        if (method === 'DELETE' && url === '/api/session' && allowed.includes(role)) continue;
        // The event stream never ends by itself; notifications-live.test.ts reads it over a socket.
        if (url === '/api/notifications/stream' && allowed.includes(role)) continue;
        const res = await call(t, browsers.get(role), method, url, method === 'GET' ? undefined : {});
        if (allowed.includes(role)) {
          assert.notEqual(res.statusCode, 401, `${role} ${method} ${url}: ${res.body}`);
          // Documents and cases answer 404 for what the owner's or the case's rule does not let the
          // role reach (documents.test.ts, case-access-matrix.test.ts): these ids exist nowhere.
          if (
            method === 'GET' &&
            !url.includes('/api/session') &&
            !url.startsWith('/api/documents') &&
            !url.startsWith('/api/cases/') &&
            !url.startsWith('/api/reports/mine/') &&
            !url.startsWith('/api/triage/reports/') &&
            // A model is named by key and version; an id is neither (400).
            !url.startsWith('/api/models/')
          )
            assert.equal(res.statusCode, 200, `${role} ${method} ${url}`);
        } else {
          assert.equal(res.statusCode, 404, `${role} ${method} ${url}: ${res.body}`);
        }
      }
    }
  });
});
