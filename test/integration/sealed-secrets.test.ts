import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateSync } from 'otplib';
import { sealLegacyPasskeyNames, sealLegacyTotpSecrets } from '../../src/server/access/mfa/seal-legacy.job.ts';
import { openTotpSecret } from '../../src/server/access/mfa/totp-secrets.ts';
import { KeyRing } from '../../src/server/platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../../src/server/platform/crypto/local-key-provider.ts';
import { SealedFieldError } from '../../src/server/platform/crypto/sealed-field.ts';
import { call, createAccount, ORIGIN, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';

/** A secret of the kind otplib makes: 32 base32 characters. */
const LEGACY_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

for (const engine of engines()) {
  describe(`sealed TOTP secrets and the system key on ${engine}`, () => {
    let t: TestApp;
    let keys: KeyRing;

    before(async () => {
      t = await buildTestApp(engine);
      keys = new KeyRing(LocalKeyProvider.open(t.config.secretsDir), t.database.db);
    });
    after(() => t.close());

    const row = (userId: string) =>
      t.database.db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();

    test('an enrolled secret is stored sealed: the row shows nothing of it, and its codes still work', async () => {
      const { id, email } = await createAccount(t, 'threat_manager');
      const b = await signIn(t, email);
      const started = await call(t, b, 'POST', '/api/mfa/totp');
      const secret: string = started.json().secret;
      const pending = await row(id);
      assert.equal(pending.pending_secret, null);
      assert.ok(pending.pending_secret_sealed !== null);
      assert.ok(!Buffer.from(pending.pending_secret_sealed).includes(secret), 'the pending secret is sealed');
      const confirmed = await call(t, b, 'POST', '/api/mfa/totp/confirm', { code: generateSync({ secret }) });
      assert.equal(confirmed.statusCode, 200, confirmed.body);
      const stored = await row(id);
      assert.equal(stored.secret, null);
      assert.equal(stored.pending_secret_sealed, null);
      assert.ok(stored.secret_sealed !== null && !Buffer.from(stored.secret_sealed).includes(secret));
      assert.equal(await openTotpSecret(keys, id, 'secret', stored.secret_sealed, null), secret);

      const made = await t.database.db.selectFrom('data_keys').selectAll().orderBy('purpose').execute();
      assert.deepEqual(
        made.map((k) => [k.purpose, k.master_version]),
        [
          ['index', 1],
          ['search', 1],
          ['system', 1],
        ],
        'one index key, one search key and one system key, made at start',
      );
    });

    test('a sealed secret moved to another account does not open there', async () => {
      const a = await createAccount(t, 'threat_manager');
      const b = await createAccount(t, 'threat_manager');
      const browser = await signIn(t, a.email);
      const secret: string = (await call(t, browser, 'POST', '/api/mfa/totp')).json().secret;
      await call(t, browser, 'POST', '/api/mfa/totp/confirm', { code: generateSync({ secret }) });
      const sealed = (await row(a.id)).secret_sealed;
      await assert.rejects(
        openTotpSecret(keys, b.id, 'secret', sealed, null),
        (e: unknown) => e instanceof SealedFieldError && e.problem === 'tampered',
      );
      await assert.rejects(
        openTotpSecret(keys, a.id, 'pending_secret', sealed, null),
        (e: unknown) => e instanceof SealedFieldError && e.problem === 'tampered',
        'nor in another column',
      );
    });

    test('secrets stored in plaintext before sealing keep working and are sealed by the job', async () => {
      const { id, email } = await createAccount(t, 'threat_manager');
      await t.database.db
        .insertInto('mfa_totp')
        .values({ user_id: id, secret: LEGACY_SECRET, confirmed_at: new Date(), last_step: null })
        .execute();
      const before = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: 'http://localhost:3000' },
        payload: { email, password: 'a sufficiently long passphrase for tests' },
      });
      assert.equal(before.json().mfa, 'challenge');
      assert.ok((await sealLegacyTotpSecrets(t.database.db, keys)) >= 1);
      const stored = await row(id);
      assert.equal(stored.secret, null);
      assert.equal(await openTotpSecret(keys, id, 'secret', stored.secret_sealed, null), LEGACY_SECRET);
      assert.equal(await sealLegacyTotpSecrets(t.database.db, keys), 0, 'nothing left, nothing done twice');
    });

    test('passkey names are sealed; names from before are read and sealed by the job', async () => {
      const { id, email } = await createAccount(t, 'threat_manager');
      const b = await signIn(t, email);
      const key = new SoftAuthenticator(ORIGIN);
      const options = (await call(t, b, 'POST', '/api/mfa/passkeys/options')).json();
      const added = await call(t, b, 'POST', '/api/mfa/passkeys', {
        name: 'Kims Diensthandy',
        response: key.create(options),
      });
      assert.equal(added.statusCode, 201, added.body);
      const stored = await t.database.db
        .selectFrom('mfa_passkeys')
        .selectAll()
        .where('user_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(stored.name, null);
      assert.ok(stored.name_sealed !== null && !Buffer.from(stored.name_sealed).includes('Diensthandy'));
      await t.database.db
        .insertInto('mfa_passkeys')
        .values({
          id: randomUUID(),
          user_id: id,
          credential_id: randomUUID().replaceAll('-', ''),
          public_key: new Uint8Array(77),
          backed_up: false,
          name: 'Old laptop',
          created_at: new Date(),
          last_used_at: null,
        })
        .execute();
      const names = async () =>
        (await call(t, b, 'GET', '/api/mfa')).json().passkeys.map((p: { name: string }) => p.name);
      assert.deepEqual(await names(), ['Kims Diensthandy', 'Old laptop']);
      assert.equal(await sealLegacyPasskeyNames(t.database.db, keys), 1);
      assert.deepEqual(await names(), ['Kims Diensthandy', 'Old laptop'], 'the same names, now sealed');
      const plain = await t.database.db
        .selectFrom('mfa_passkeys')
        .select('name')
        .where('name', 'is not', null)
        .execute();
      assert.deepEqual(plain, []);
    });

    test('the key ring keeps clear keys for a while and a bounded number of them', async () => {
      let now = 1_000_000;
      const ring = new KeyRing(LocalKeyProvider.open(t.config.secretsDir), t.database.db, {
        ttlMs: 1000,
        maxKeys: 1,
        now: () => now,
      });
      const first = await ring.systemKey();
      assert.equal(await ring.systemKey(), first, 'cached');
      now += 1001;
      const again = await ring.systemKey();
      assert.notEqual(again, first, 'unwrapped anew after the TTL');
      assert.deepEqual(again.key, first.key);
      await ring.keyById(again.id);
      assert.notEqual(await ring.systemKey(), again, 'evicted by the size bound');
      await assert.rejects(ring.keyById('00000000-0000-4000-8000-000000000000'), /does not exist/);
    });
  });
}
