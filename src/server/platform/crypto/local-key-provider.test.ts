import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { encodeContext, KeyProviderError } from './key-provider.ts';
import { LocalKeyProvider } from './local-key-provider.ts';

const secretsDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'tma-keys-')), 'secrets');
const caseContext = () => ({ purpose: 'case', case: randomUUID() });

async function refused(promise: Promise<unknown>, problem: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof KeyProviderError, String(e));
    assert.equal(e.problem, problem);
    return true;
  });
}

test('the first start creates a master key file readable by its owner only; a data key unwraps with its context', async () => {
  const dir = secretsDir();
  const provider = LocalKeyProvider.open(dir);
  assert.equal(statSync(path.join(dir, 'master-keys.json')).mode & 0o777, 0o600);
  assert.equal(provider.currentVersion(), 1);
  const context = caseContext();
  const { key, wrapped, masterVersion } = await provider.generateDataKey(context);
  assert.equal(key.length, 32);
  assert.equal(masterVersion, 1);
  assert.ok(!wrapped.includes(key), 'the wrapped key does not contain the key');
  assert.deepEqual(await provider.unwrap(wrapped, { case: context.case, purpose: 'case' }), key, 'order of entries');
  assert.deepEqual(await LocalKeyProvider.open(dir).unwrap(wrapped, context), key, 'after a restart');
  const masterKey: string = JSON.parse(readFileSync(path.join(dir, 'master-keys.json'), 'utf8')).versions[0].key;
  const printed = `${JSON.stringify(provider)} ${inspect(provider, { showHidden: true })}`;
  assert.ok(!printed.includes(masterKey) && !printed.includes(Buffer.from(masterKey, 'base64').toString('hex')));
});

test('another context, a flipped bit or another master key: refused, typed', async () => {
  const provider = LocalKeyProvider.open(secretsDir());
  const context = caseContext();
  const { wrapped } = await provider.generateDataKey(context);
  await refused(provider.unwrap(wrapped, caseContext()), 'tampered');
  await refused(provider.unwrap(wrapped, { ...context, extra: '' }), 'tampered');
  for (let byte = 4; byte < wrapped.length; byte++) {
    const copy = Buffer.from(wrapped);
    copy[byte] = (copy[byte] ?? 0) ^ 0x01;
    await refused(provider.unwrap(copy, context), 'tampered');
  }
  await refused(provider.unwrap(wrapped.subarray(1), context), 'malformed');
  await refused(LocalKeyProvider.open(secretsDir()).unwrap(wrapped, context), 'tampered');
  const otherVersion = Buffer.from(wrapped);
  otherVersion.writeUInt32BE(7);
  await refused(provider.unwrap(otherVersion, context), 'unknown_master_version');
});

test('rotation adds a version that wraps from then on; a destroyed version leaves its keys unreadable', async () => {
  const dir = secretsDir();
  const provider = LocalKeyProvider.open(dir);
  const firstKey: string = JSON.parse(readFileSync(path.join(dir, 'master-keys.json'), 'utf8')).versions[0].key;
  const context = caseContext();
  const old = await provider.generateDataKey(context);
  assert.equal(provider.addVersion(), 2);
  const fresh = await provider.generateDataKey(context);
  assert.equal(provider.versionOf(fresh.wrapped), 2);
  assert.deepEqual(await provider.unwrap(old.wrapped, context), old.key, 'old keys still unwrap');
  const { wrapped: rewrapped, masterVersion } = await provider.rewrap(old.wrapped, context, context);
  assert.equal(provider.versionOf(rewrapped), 2);
  assert.equal(masterVersion, 2);
  const moved = { purpose: 'report', owner: randomUUID(), case: randomUUID() };
  const joined = await provider.rewrap(old.wrapped, context, moved);
  assert.deepEqual(await provider.unwrap(joined.wrapped, moved), old.key, 'a key re-wrapped into another context');
  await refused(provider.unwrap(joined.wrapped, context), 'tampered');

  assert.throws(() => provider.destroyVersion(2), /current/);
  provider.destroyVersion(1);
  assert.deepEqual(
    provider.versions().map((v) => [v.version, v.retiredAt !== undefined, v.destroyedAt !== undefined]),
    [
      [1, true, true],
      [2, false, false],
    ],
  );
  await refused(provider.unwrap(old.wrapped, context), 'unknown_master_version');
  await refused(LocalKeyProvider.open(dir).unwrap(old.wrapped, context), 'unknown_master_version');
  assert.deepEqual(await LocalKeyProvider.open(dir).unwrap(rewrapped, context), old.key, 're-wrapped keys live on');
  assert.ok(!readFileSync(path.join(dir, 'master-keys.json'), 'utf8').includes(firstKey), 'the destroyed key is gone');
  assert.equal(statSync(path.join(dir, 'master-keys.json')).mode & 0o777, 0o600);
});

test('a server sees a rotation made by keys:rotate beside it, without a restart', async () => {
  const dir = secretsDir();
  const server = LocalKeyProvider.open(dir);
  const context = caseContext();
  const cli = LocalKeyProvider.open(dir);
  assert.equal(cli.addVersion(), 2);
  const fresh = await cli.generateDataKey(context);
  assert.equal(server.currentVersion(), 2, 'new keys are wrapped under the new version');
  assert.deepEqual(await server.unwrap(fresh.wrapped, context), fresh.key);
});

test('two holders of the file (a server, keys:rotate) never write over each other; a named file is never made', async () => {
  const dir = secretsDir();
  const server = LocalKeyProvider.open(dir);
  const cli = LocalKeyProvider.open(dir);
  assert.equal(cli.addVersion(), 2);
  assert.equal(server.addVersion(), 3, 'the server counts from the file as it is now, not from what it read before');
  server.markDrained(1);
  assert.deepEqual(
    cli.versions().map((v) => v.version),
    [1, 2, 3],
  );
  assert.ok(cli.versions()[0]?.drainedAt !== undefined);
  const file = path.join(dir, 'master-keys.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f !== 'master-keys.json'),
    [],
    'no temp or lock file left',
  );
  assert.throws(
    () => LocalKeyProvider.open(dir, { file: path.join(dir, 'not-mounted.json') }),
    /there is no master key file at .*not-mounted\.json/,
  );
});

test('a master key file others may read, or one that is not ours, is refused with a clear message', () => {
  const dir = secretsDir();
  LocalKeyProvider.open(dir);
  const file = path.join(dir, 'master-keys.json');
  chmodSync(file, 0o644);
  assert.throws(() => LocalKeyProvider.open(dir), /chmod 600/);
  chmodSync(file, 0o600);
  writeFileSync(file, '{"format":1,"versions":[{"version":1,"key":"c2hvcnQ=","createdAt":"2026-11-29T00:00:00Z"}]}');
  assert.throws(() => LocalKeyProvider.open(dir), /not a master key file/);
});

test('contexts encode without ambiguity', () => {
  assert.notDeepEqual(encodeContext({ ab: 'c' }), encodeContext({ a: 'bc' }));
  assert.deepEqual(encodeContext({ a: '1', b: '2' }), encodeContext({ b: '2', a: '1' }));
});
