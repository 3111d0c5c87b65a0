import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/contract/accounts.ts';
import { sealIdentity } from '../../src/server/access/identity.ts';
import { hashPassword } from '../../src/server/access/passwords/password-hashing.ts';
import { tokenHash } from '../../src/server/access/sessions/tokens.ts';
import type { TestApp } from './app.ts';

export const ORIGIN = 'http://localhost:3000';
export const PASSWORD = 'a sufficiently long passphrase for tests';

export interface Browser {
  cookie: string | undefined;
  csrf: string | undefined;
}

/** A user who can sign in, created directly (hashing costs ~50 ms, so tests make only what they need). */
export async function createAccount(
  t: TestApp,
  role: Role,
  overrides: { email?: string; status?: 'active' | 'locked'; displayName?: string } = {},
) {
  const id = randomUUID();
  const email = overrides.email ?? `${role}-${id.slice(0, 8)}@example.com`;
  await t.database.db
    .insertInto('users')
    .values({
      id,
      role,
      status: overrides.status ?? 'active',
      email: null,
      display_name: null,
      ...(await sealIdentity(t.keys, id, { email, displayName: overrides.displayName ?? `Test ${role}` })),
      expertise: role === 'expert' ? 'hr' : null,
      password_hash: await hashPassword(PASSWORD),
      password_changed_at: new Date(),
      activated_at: new Date(),
    })
    .execute();
  return { id, email };
}

export function sessionCookie(res: LightMyRequestResponse): string | undefined {
  const header = res.headers['set-cookie'];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.match(/^__Host-tma=([^;]*)/)?.[1] || undefined;
}

/**
 * Signs in with the password and, for tests that are not about the second factor, marks the
 * session as having given it (test/integration/mfa.test.ts goes through the real challenge and
 * enrolment). Every role but reporter would otherwise be confined to setting one up.
 */
export async function signIn(t: TestApp, email: string, password = PASSWORD, ip = '127.0.0.1'): Promise<Browser> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/session',
    headers: { origin: ORIGIN },
    remoteAddress: ip,
    payload: { email, password },
  });
  assert.equal(res.statusCode, 200, res.body);
  const cookie = sessionCookie(res);
  if (cookie !== undefined && res.json().mfa !== 'none') {
    await t.database.db
      .updateTable('sessions')
      .set({ mfa_at: new Date() })
      .where('token_hash', '=', tokenHash(cookie))
      .execute();
  }
  return { cookie, csrf: res.json().csrfToken };
}

/** A request as the browser would send it: the session cookie, our Origin and the CSRF token. */
export function call(
  t: TestApp,
  browser: Browser | undefined,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
) {
  return t.app.inject({
    method,
    url,
    headers: {
      origin: ORIGIN,
      ...(browser?.cookie ? { cookie: `__Host-tma=${browser.cookie}` } : {}),
      ...(browser?.csrf ? { 'x-csrf-token': browser.csrf } : {}),
    },
    ...(payload !== undefined ? { payload } : {}),
  });
}

export async function stepUp(t: TestApp, browser: Browser): Promise<void> {
  const res = await call(t, browser, 'POST', '/api/session/step-up', { password: PASSWORD });
  assert.equal(res.statusCode, 204, res.body);
}

export function tokenOf(url: string): string {
  const token = url.split('#')[1];
  assert.ok(token);
  return token;
}
