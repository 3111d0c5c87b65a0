import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sealLegacyIdentities } from '../../src/server/access/identity-legacy.job.ts';
import { openPurpose, sealPurpose } from '../../src/server/audit/purpose.ts';
import { recordAudit } from '../../src/server/audit/record.ts';
import { destroyExpiredEpochs, keyStatus } from '../../src/server/keys/epochs.ts';
import { rewrapAll } from '../../src/server/keys/rotation.ts';
import { shredCaseNow } from '../../src/server/keys/shredding.ts';
import { AwsKmsKeyProvider } from '../../src/server/platform/crypto/aws-kms-key-provider.ts';
import { KeyProviderError } from '../../src/server/platform/crypto/key-provider.ts';
import { contextOf, KeyRing, MissingKeyError } from '../../src/server/platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../../src/server/platform/crypto/local-key-provider.ts';
import {
  openFieldText,
  SealedFieldError,
  sealedKeyId,
  sealField,
} from '../../src/server/platform/crypto/sealed-field.ts';
import { call, createAccount, PASSWORD, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { FakeKms } from '../support/fake-kms.ts';

const DAY = 86_400_000;
const place = (rowId: string) => ({ table: 'case_notes', column: 'text', rowId });

/** A note sealed with a case's key, as the cases issue will seal its fields. */
async function sealNote(keys: KeyRing, caseId: string, text: string) {
  const rowId = randomUUID();
  return { rowId, sealed: sealField(await keys.createKey('case', caseId), text, place(rowId)) };
}

async function openNote(keys: KeyRing, note: { rowId: string; sealed: Buffer }): Promise<string> {
  return openFieldText(await keys.keyById(sealedKeyId(note.sealed)), note.sealed, place(note.rowId));
}

for (const engine of engines()) {
  describe(`the key hierarchy on ${engine}`, () => {
    let t: TestApp;
    let provider: LocalKeyProvider;
    /** A second ring with an empty cache: what another instance, or the next start, sees. */
    const fresh = () => new KeyRing(provider, t.database.db);
    before(async () => {
      t = await buildTestApp(engine);
      provider = LocalKeyProvider.open(t.config.secretsDir);
    });
    after(() => t.close());

    test('a case key is made once; a report key joins its case and is shredded with it, with an audit event', async () => {
      const caseId = randomUUID();
      const reportId = randomUUID();
      const note = await sealNote(t.keys, caseId, 'Sachverhalt: Drohung gegenüber Frau K.');
      assert.equal((await t.keys.createKey('case', caseId)).id, (await fresh().keyFor('case', caseId)).id);
      await assert.rejects(fresh().keyFor('case', randomUUID()), MissingKeyError, 'keyFor makes no key');
      const report = await t.keys.createKey('report', reportId);
      const statement = sealField(report, 'Meldung von Herrn B.', place(reportId));
      await t.database.db.transaction().execute((tx) => t.keys.joinCase(tx, reportId, caseId));
      const row = await t.database.db
        .selectFrom('data_keys')
        .selectAll()
        .where('id', '=', report.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.case_id, caseId);
      await assert.rejects(
        provider.unwrap(Buffer.from(row.wrapped), { purpose: 'report', owner: reportId }),
        (e: unknown) => e instanceof KeyProviderError && e.problem === 'tampered',
        'the joined key unwraps only with the case in its context',
      );
      assert.equal(openFieldText(await fresh().keyById(report.id), statement, place(reportId)), 'Meldung von Herrn B.');

      const purpose = { caseId, actorUserId: null, at: new Date(), action: 'case.shredded' };
      const sealedPurpose = await sealPurpose(t.keys, purpose, 'Break-glass: akute Gefährdung');
      assert.equal(await openPurpose(fresh(), purpose, sealedPurpose), 'Break-glass: akute Gefährdung');

      assert.equal(
        await shredCaseNow(t.database.db, t.keys, new Date(), { caseId, actorUserId: null, reason: 'deletion' }),
        2,
      );
      await assert.rejects(openNote(t.keys, note), MissingKeyError);
      await assert.rejects(fresh().keyById(report.id), MissingKeyError);
      assert.equal(await openPurpose(fresh(), purpose, sealedPurpose), null, 'the purpose went with the case');
      await assert.rejects(sealPurpose(t.keys, purpose, 'später'), MissingKeyError, 'nothing new about it is readable');
      const late = randomUUID();
      await t.keys.createKey('report', late);
      await assert.rejects(
        t.database.db.transaction().execute((tx) => t.keys.joinCase(tx, late, caseId)),
        MissingKeyError,
        'no report joins a shredded case',
      );
      const event = await t.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'case.shredded')
        .where('case_id', '=', caseId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(event.detail, { keys: 2, reason: 'deletion' });
    });

    test('a value or a wrapped key copied to another case does not open there', async () => {
      const a = randomUUID();
      const b = randomUUID();
      const note = await sealNote(t.keys, a, 'nur für Fall A');
      await assert.rejects(
        async () => openFieldText(await t.keys.createKey('case', b), note.sealed, place(note.rowId)),
        (e: unknown) => e instanceof SealedFieldError && e.problem === 'wrong_key',
      );
      const wrappedA = await t.database.db
        .selectFrom('data_keys')
        .select('wrapped')
        .where('owner_id', '=', a)
        .executeTakeFirstOrThrow();
      await t.database.db
        .updateTable('data_keys')
        .set({ wrapped: wrappedA.wrapped })
        .where('owner_id', '=', b)
        .execute();
      await assert.rejects(
        fresh().keyFor('case', b),
        (e: unknown) => e instanceof KeyProviderError && e.problem === 'tampered',
      );
      await t.database.db.deleteFrom('data_keys').where('owner_id', '=', b).execute();
    });

    test('an audit purpose is sealed: the row holds no plaintext, and it opens only for its own event', async () => {
      const caseId = randomUUID();
      await t.keys.createKey('case', caseId);
      const owner = { caseId, actorUserId: null, at: new Date(), action: 'audit.exported' } as const;
      const purpose = await sealPurpose(t.keys, owner, 'Prüfung durch die Revision 2026');
      await recordAudit(t.database.db, owner.at, {
        action: 'audit.exported',
        outcome: 'allowed',
        caseId,
        purpose,
        detail: { rows: 0 },
      });
      const stored = await t.database.db
        .selectFrom('audit_events')
        .select(['purpose', 'purpose_sealed'])
        .where('case_id', '=', caseId)
        .executeTakeFirstOrThrow();
      assert.equal(stored.purpose, null);
      assert.ok(stored.purpose_sealed !== null && !Buffer.from(stored.purpose_sealed).includes('Revision'));
      assert.equal(await openPurpose(t.keys, owner, stored.purpose_sealed), 'Prüfung durch die Revision 2026');
      assert.equal(
        await openPurpose(t.keys, { ...owner, action: 'audit.viewed' }, stored.purpose_sealed),
        null,
        'moved to another event it does not open, and the page shows it as unreadable',
      );
    });

    test('rotation re-wraps every key online and resumably; a key that cannot be unwrapped is listed, not lost', async () => {
      const caseIds = Array.from({ length: 30 }, () => randomUUID());
      const notes = await Promise.all(caseIds.map((id) => sealNote(t.keys, id, `Fall ${id}`)));
      const broken = await t.keys.createKey('case', randomUUID());
      const wrapped = Buffer.from(
        (
          await t.database.db
            .selectFrom('data_keys')
            .select('wrapped')
            .where('id', '=', broken.id)
            .executeTakeFirstOrThrow()
        ).wrapped,
      );
      wrapped[30] = (wrapped[30] ?? 0) ^ 1;
      await t.database.db.updateTable('data_keys').set({ wrapped }).where('id', '=', broken.id).execute();

      const from = provider.currentVersion();
      const to = provider.addVersion();
      const firstBatch = await t.database.db.selectFrom('data_keys').select('id').orderBy('id').limit(10).execute();
      const brokenFirst = firstBatch.some((r) => r.id === broken.id) ? 1 : 0;
      // Stopped after the first batch (a crash, ^C): the next run goes on where it stopped.
      await assert.rejects(
        rewrapAll(t.database.db, provider, {
          batchSize: 10,
          onBatch: () => {
            throw new Error('stopped');
          },
        }),
        /stopped/,
      );
      const half = await keyStatus(t.database.db, 'local', to, provider.versions(), 35);
      assert.equal(half.epochs.find((e) => e.version === to)?.keys, 10 - brokenFirst, 'one batch moved');
      const result = await rewrapAll(t.database.db, provider, { batchSize: 10 });
      assert.deepEqual(result.failed, [{ id: broken.id, problem: 'tampered' }]);
      const status = await keyStatus(t.database.db, 'local', to, provider.versions(), 35);
      assert.equal(status.epochs.find((e) => e.version === from)?.keys, 1, 'only the broken key is left behind');
      assert.equal(status.oldestLiveEpoch, from);
      for (const [i, note] of notes.entries()) assert.equal(await openNote(fresh(), note), `Fall ${caseIds[i]}`);
      await t.database.db.deleteFrom('data_keys').where('id', '=', broken.id).execute();
    });

    test('epochs: a case shredded after a backup is unreadable from that backup once its epoch is destroyed', async () => {
      const shredded = randomUUID();
      const kept = randomUUID();
      const secret = await sealNote(t.keys, shredded, 'Name der gefährdeten Person: Erika M.');
      const other = await sealNote(t.keys, kept, 'ein anderer Fall');
      // The backup: every wrapped key, as pg_dump would have it.
      const backup = await t.database.db.selectFrom('data_keys').selectAll().execute();
      const backupKey = backup.find((r) => r.purpose === 'case' && r.owner_id === shredded);
      assert.ok(backupKey !== undefined);

      await shredCaseNow(t.database.db, t.keys, new Date(), {
        caseId: shredded,
        actorUserId: null,
        reason: 'deletion',
      });
      const retired = provider.currentVersion();
      const rotatedAt = Date.now();
      provider.addVersion(new Date(rotatedAt));
      assert.deepEqual((await rewrapAll(t.database.db, provider)).failed, []);
      // The daily job sees the old version drained: its window runs from now.
      await destroyExpiredEpochs(t.database.db, provider, 35, new Date(rotatedAt));
      assert.ok(provider.versions().find((v) => v.version === retired)?.drainedAt !== undefined);

      // Within the backup window the backup still restores, shredded case included.
      const early = await destroyExpiredEpochs(t.database.db, provider, 35, new Date(rotatedAt + 34 * DAY));
      assert.ok(!early.destroyed.includes(retired));
      const restored = await provider.unwrap(Buffer.from(backupKey.wrapped), contextOf(backupKey));
      const fromBackup = openFieldText({ id: backupKey.id, key: restored }, secret.sealed, place(secret.rowId));
      assert.equal(fromBackup, 'Name der gefährdeten Person: Erika M.');

      const late = await destroyExpiredEpochs(t.database.db, provider, 35, new Date(rotatedAt + 36 * DAY));
      assert.ok(late.destroyed.includes(retired), `version ${retired} destroyed`);
      for (const row of backup.filter((r) => r.master_version <= retired)) {
        await assert.rejects(
          provider.unwrap(Buffer.from(row.wrapped), contextOf(row)),
          (e: unknown) => e instanceof KeyProviderError && e.problem === 'unknown_master_version',
        );
      }
      assert.equal(await openNote(fresh(), other), 'ein anderer Fall', 'the live database reads on');
      const status = await keyStatus(t.database.db, 'local', provider.currentVersion(), provider.versions(), 35);
      assert.equal(status.epochs.find((e) => e.version === retired)?.state, 'destroyed');
    });

    test('a retired epoch that still wraps keys is not destroyed: rotation is unfinished', async () => {
      await t.keys.createKey('case', randomUUID());
      const retired = provider.currentVersion();
      const at = Date.now();
      provider.addVersion(new Date(at));
      const result = await destroyExpiredEpochs(t.database.db, provider, 1, new Date(at + 2 * DAY));
      assert.ok(result.blocked.some((b) => b.version === retired && b.keys > 0));
      assert.ok(!result.destroyed.includes(retired));
      await rewrapAll(t.database.db, provider);
    });

    test('accounts from before sealing: found by their plaintext, then sealed by the job and found by the blind index', async () => {
      // An installation upgraded from before 0010: its accounts are in the database before the server starts.
      const outer = t;
      t = await buildTestApp(engine);
      try {
        const id = randomUUID();
        const { hashPassword } = await import('../../src/server/access/passwords/password-hashing.ts');
        await t.database.db
          .insertInto('users')
          .values({
            id,
            role: 'threat_manager',
            status: 'active',
            email: 'legacy.person@example.com',
            display_name: 'Lena Legacy',
            email_sealed: null,
            email_bidx: null,
            display_name_sealed: null,
            expertise: null,
            password_hash: await hashPassword(PASSWORD),
            password_changed_at: new Date(),
            activated_at: new Date(),
          })
          .execute();
        const before = await signIn(t, 'Legacy.Person@example.com');
        assert.equal((await call(t, before, 'GET', '/api/session')).json().user.displayName, 'Lena Legacy');
        const admin = await signIn(t, (await createAccount(t, 'admin')).email);
        const invite = {
          email: 'legacy.person@example.com',
          displayName: 'Someone Else',
          role: 'reporter',
          expertise: null,
        };
        const taken = await call(t, admin, 'POST', '/api/admin/users', invite);
        assert.equal(taken.statusCode, 409, 'the address of an account not yet sealed is taken too');

        assert.ok((await sealLegacyIdentities(t.database.db, t.keys)) >= 1);
        const row = await t.database.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        assert.equal(row.email, null);
        assert.equal(row.display_name, null);
        assert.ok(row.email_sealed !== null && row.email_bidx !== null && row.display_name_sealed !== null);
        assert.ok(!Buffer.from(row.email_sealed).includes('legacy'));
        const after = await signIn(t, 'legacy.person@example.com');
        assert.equal((await call(t, after, 'GET', '/api/session')).json().user.email, 'legacy.person@example.com');
      } finally {
        await t.close();
        t = outer;
      }
    });
  });
}

describe('readiness with AWS KMS', () => {
  let t: TestApp;
  let fake: FakeKms;
  let server: { url: string; close: () => Promise<void> };
  before(async () => {
    fake = new FakeKms();
    server = await fake.start();
    const provider = new AwsKmsKeyProvider({
      region: 'eu-central-1',
      endpoint: server.url,
      keys: new Map([[1, fake.createKey()]]),
      credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'not-a-secret-of-anyone' },
      timeoutMs: 300,
      maxAttempts: 2,
    });
    t = await buildTestApp('pglite', { keyProvider: provider });
  });
  after(async () => {
    await t.close();
    await server.close();
  });

  test('not ready, and no plaintext fallback, while KMS is down; ready again when it answers', async () => {
    assert.ok(fake.trail.some((e) => e.operation === 'GenerateDataKey' && e.encryptionContext?.purpose === 'system'));
    fake.down();
    const down = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(down.statusCode, 503);
    assert.deepEqual(down.json(), { status: 'unavailable', checks: { database: 'ok', keys: 'failed' } });
    // An instance whose cache is empty (a restart) cannot read a sealed field: it fails, typed.
    const ring = new KeyRing(t.keys.provider, t.database.db);
    await assert.rejects(
      ring.systemKey(),
      (e: unknown) => e instanceof KeyProviderError && e.problem === 'unavailable',
    );
    fake.up();
    // A failed answer counts for 5 s (probes during an outage do not pile up on KMS); then ready again.
    let up = await t.app.inject({ method: 'GET', url: '/readyz' });
    for (let i = 0; i < 14 && up.statusCode !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      up = await t.app.inject({ method: 'GET', url: '/readyz' });
    }
    assert.deepEqual(up.json(), { status: 'ready', checks: { database: 'ok', keys: 'ok' } });
    assert.equal((await ring.systemKey()).key.length, 32);
    const decrypts = fake.trail.filter((e) => e.operation === 'Decrypt');
    assert.ok(decrypts.length > 0 && decrypts.every((e) => e.encryptionContext?.purpose !== undefined));
  });

  test('a request that needs a key while KMS is down gets a clear 503, not a 500 and not plaintext', async () => {
    const { email } = await createAccount(t, 'reporter');
    const browser = await signIn(t, email);
    t.keys.clear();
    fake.down();
    const res = await call(t, browser, 'GET', '/api/session');
    fake.up();
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().code, 'service_unavailable');
    assert.match(res.json().detail, /key service/);
    assert.equal((await call(t, browser, 'GET', '/api/session')).json().user.email, email);
  });
});
