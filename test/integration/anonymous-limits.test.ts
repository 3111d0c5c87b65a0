import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { leadingZeroBits, workOf } from '../../src/server/intake/flood-challenge.ts';
import { call, createAccount, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { anonymously, aReport, submitAnonymously, submitSignedIn } from '../support/reports.ts';

/**
 * The limits of intake (docs/intake.md): the anonymous channel's per client address, counted in
 * memory under a keyed hash, and, under a flood from many addresses, a proof of work for every
 * report; a signed-in account's reports per hour.
 */
const problem = (res: { json(): unknown }) => res.json() as { code: string };

describe('the anonymous channel is throttled per address', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp('pglite', { env: { TMA_ANONYMOUS_REQUESTS_PER_10_MIN: '3' } });
  });
  after(() => t.close());

  test('past the limit: 429 with Retry-After; another address goes on', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await anonymously(t, '/api/anonymous/receipt', { receipt: 'nothing' }, { ip: '198.51.100.1' });
      assert.equal(res.statusCode, 404);
    }
    const limited = await anonymously(t, '/api/anonymous/receipt', { receipt: 'nothing' }, { ip: '198.51.100.1' });
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    const submit = await anonymously(t, '/api/anonymous/reports', aReport(), { ip: '198.51.100.1' });
    assert.equal(submit.statusCode, 429);
    const other = await anonymously(t, '/api/anonymous/receipt', { receipt: 'nothing' }, { ip: '198.51.100.2' });
    assert.equal(other.statusCode, 404);
  });

  test('an IPv6 site (/48) is counted too: its many /64 networks do not each get a share of their own', async () => {
    // Limit 3 per /64, so 24 per /48: the 25th /64 of one site is refused, another site goes on.
    for (let net = 0; net < 24; net++) {
      const res = await anonymously(
        t,
        '/api/anonymous/receipt',
        { receipt: 'nothing' },
        { ip: `2001:db8:77:${net.toString(16)}::1` },
      );
      assert.equal(res.statusCode, 404, `network ${net}`);
    }
    const refused = await anonymously(t, '/api/anonymous/receipt', { receipt: 'nothing' }, { ip: '2001:db8:77:ff::1' });
    assert.equal(refused.statusCode, 429);
    const elsewhere = await anonymously(
      t,
      '/api/anonymous/receipt',
      { receipt: 'nothing' },
      { ip: '2001:db8:78:1::1' },
    );
    assert.equal(elsewhere.statusCode, 404);
  });
});

describe('under a flood, anonymous reports must bring a proof of work', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp('pglite', {
      env: { TMA_ANONYMOUS_FLOOD_PER_MIN: '2', TMA_ANONYMOUS_FLOOD_DIFFICULTY: '8' },
    });
  });
  after(() => t.close());

  const solve = (seed: string, difficulty: number): string => {
    for (let n = 0; ; n++) if (leadingZeroBits(workOf(seed, String(n))) >= difficulty) return String(n);
  };

  test('past the threshold: 403 challenge_required; a solved challenge goes through, once', async () => {
    const calm = (await t.app.inject({ method: 'GET', url: '/api/anonymous/challenge' })).json();
    assert.equal(calm.required, false);
    // Three from different addresses: the per-address limit does not stop a flood.
    for (const ip of ['192.0.2.10', '192.0.2.11', '192.0.2.12']) await submitAnonymously(t, aReport(), ip);
    const refused = await anonymously(t, '/api/anonymous/reports', aReport(), { ip: '192.0.2.13' });
    assert.equal(refused.statusCode, 403);
    assert.equal(problem(refused).code, 'challenge_required');
    const challenge = (await t.app.inject({ method: 'GET', url: '/api/anonymous/challenge' })).json() as {
      required: boolean;
      seed: string;
      difficulty: number;
    };
    assert.equal(challenge.required, true);
    const proof = { seed: challenge.seed, nonce: solve(challenge.seed, challenge.difficulty) };
    const body = aReport();
    const accepted = await anonymously(t, '/api/anonymous/reports', { ...body, proof }, { ip: '192.0.2.13' });
    assert.equal(accepted.statusCode, 201, accepted.body);
    const replayed = await anonymously(t, '/api/anonymous/reports', { ...aReport(), proof }, { ip: '192.0.2.14' });
    assert.equal(problem(replayed).code, 'challenge_required');
    const wrong = await anonymously(t, '/api/anonymous/reports', {
      ...aReport(),
      proof: { seed: challenge.seed, nonce: 'x' },
    });
    assert.equal(wrong.statusCode, 403);
    // The proof is not part of the report: nothing of it is stored.
    const rows = await t.database.db.selectFrom('reports').select('id').execute();
    assert.equal(rows.length, 4);
  });
});

describe('a signed-in account sends a limited number of reports an hour', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp('pglite', { env: { TMA_REPORTS_PER_ACCOUNT_PER_HOUR: '2' } });
  });
  after(() => t.close());

  test('past the limit: 429 with Retry-After; another account goes on', async () => {
    const employee = await signIn(t, (await createAccount(t, 'reporter')).email);
    const colleague = await signIn(t, (await createAccount(t, 'reporter')).email);
    for (let i = 0; i < 2; i++) await submitSignedIn(t, employee);
    const limited = await call(t, employee, 'POST', '/api/reports', aReport({ urgency: 'danger_now' }));
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    await submitSignedIn(t, colleague);
  });
});
