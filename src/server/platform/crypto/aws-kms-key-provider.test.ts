import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import type { ClientRequest } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type TestContext, test } from 'node:test';
import { inspect } from 'node:util';
import { FakeKms } from '../../../../test/support/fake-kms.ts';
import { AwsKmsKeyProvider, type AwsKmsKeyProviderOptions } from './aws-kms-key-provider.ts';
import { KeyProviderError } from './key-provider.ts';

// Explicit dummies: the SDK then never looks for credentials in the environment, ~/.aws or the instance metadata service.
const credentials = { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'not-a-secret-of-anyone' };
const caseContext = () => ({ purpose: 'case', case: randomUUID() });

async function setup(t: TestContext, options: Partial<AwsKmsKeyProviderOptions> = {}) {
  const fake = new FakeKms();
  const server = await fake.start();
  t.after(server.close);
  const arn = fake.createKey();
  const provider = kmsProvider(t, server.url, new Map([[1, arn]]), options);
  return { fake, url: server.url, arn, provider };
}

function kmsProvider(
  t: TestContext,
  endpoint: string,
  keys: ReadonlyMap<number, string>,
  options: Partial<AwsKmsKeyProviderOptions> = {},
): AwsKmsKeyProvider {
  const provider = new AwsKmsKeyProvider({ region: 'eu-central-1', endpoint, keys, credentials, ...options });
  t.after(() => provider.close());
  return provider;
}

async function refused(promise: Promise<unknown>, problem: string): Promise<KeyProviderError> {
  let error: unknown;
  await assert.rejects(promise, (e: unknown) => {
    error = e;
    return true;
  });
  assert.ok(error instanceof KeyProviderError, String(error));
  assert.equal(error.problem, problem, String(error));
  return error;
}

async function timed<T>(promise: Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await promise;
  return [result, Math.round(performance.now() - start)];
}

test('a data key made by KMS unwraps with its context in any order; the SDK signs and calls the fake only', async (t) => {
  const hosts: string[] = [];
  const onRequest = (message: unknown) => {
    hosts.push(String((message as { request: ClientRequest }).request.getHeader('host')));
  };
  subscribe('http.client.request.start', onRequest);
  t.after(() => unsubscribe('http.client.request.start', onRequest));
  const { fake, url, provider } = await setup(t);

  await provider.check();
  assert.equal(provider.currentVersion(), 1);
  const context = caseContext();
  const { key, wrapped, masterVersion } = await provider.generateDataKey(context);
  assert.equal(key.length, 32);
  assert.equal(masterVersion, 1);
  assert.equal(provider.versionOf(wrapped), 1);
  assert.ok(!wrapped.includes(key), 'the wrapped key does not contain the key');
  assert.deepEqual(await provider.unwrap(wrapped, context), key);
  assert.deepEqual(await provider.unwrap(wrapped, { case: context.case, purpose: 'case' }), key, 'order of entries');

  assert.deepEqual(new Set(hosts), new Set([new URL(url).host]), 'no call to anything but the fake');
  assert.equal(hosts.length, fake.requests);
  const unsigned = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.DescribeKey' },
    body: '{}',
  });
  assert.equal(unsigned.status, 400);
  assert.equal(((await unsigned.json()) as { __type: string }).__type, 'MissingAuthenticationTokenException');
});

test('another context, a flipped bit, a blob of another KMS key or an unknown version: refused, typed', async (t) => {
  const { fake, url, provider } = await setup(t);
  const context = caseContext();
  const { wrapped } = await provider.generateDataKey(context);
  await refused(provider.unwrap(wrapped, caseContext()), 'tampered');
  await refused(provider.unwrap(wrapped, { ...context, extra: '' }), 'tampered');
  await refused(provider.unwrap(wrapped, {}), 'tampered');
  for (let byte = 4; byte < wrapped.length; byte++) {
    const copy = Buffer.from(wrapped);
    copy[byte] = (copy[byte] ?? 0) ^ 0x01;
    await refused(provider.unwrap(copy, context), 'tampered');
  }
  await refused(provider.unwrap(wrapped.subarray(0, 4), context), 'malformed');
  assert.throws(() => provider.versionOf(Buffer.alloc(3)), KeyProviderError);

  const before = fake.requests;
  const otherVersion = Buffer.from(wrapped);
  otherVersion.writeUInt32BE(7);
  await refused(provider.unwrap(otherVersion, context), 'unknown_master_version');
  await refused(provider.rewrap(otherVersion, context, context), 'unknown_master_version');
  assert.equal(fake.requests, before, 'a version without a KMS key is refused without asking KMS');

  // Version 1 of another deployment: another KMS key, so Decrypt with our key id is refused.
  const foreign = kmsProvider(t, url, new Map([[1, fake.createKey()]]));
  const theirs = await foreign.generateDataKey(context);
  await refused(provider.unwrap(theirs.wrapped, context), 'tampered');
});

test('a disabled, pending-deletion or deleted master key: unknown_master_version, and check() says so', async (t) => {
  const { fake, arn, provider } = await setup(t);
  const context = caseContext();
  const { key, wrapped } = await provider.generateDataKey(context);

  fake.disableKey(arn);
  await refused(provider.unwrap(wrapped, context), 'unknown_master_version');
  await refused(provider.generateDataKey(context), 'unknown_master_version');
  assert.match(String(await refused(provider.check(), 'unknown_master_version')), /master version 1 is Disabled/);
  fake.enableKey(arn);
  assert.deepEqual(await provider.unwrap(wrapped, context), key);

  fake.scheduleDeletion(arn);
  await refused(provider.unwrap(wrapped, context), 'unknown_master_version');
  assert.match(String(await refused(provider.check(), 'unknown_master_version')), /PendingDeletion/);
  fake.deleteKey(arn);
  await refused(provider.unwrap(wrapped, context), 'unknown_master_version');
  assert.match(String(await refused(provider.check(), 'unknown_master_version')), /NotFoundException/);
});

test('rotation: a second KMS key as version 2; rewrap moves keys to it inside KMS; a report key joins a case', async (t) => {
  const { fake, url, arn, provider: first } = await setup(t);
  const context = caseContext();
  const old = await first.generateDataKey(context);
  const secondArn = fake.createKey();
  const provider = kmsProvider(
    t,
    url,
    new Map([
      [1, arn],
      [2, secondArn],
    ]),
  );
  assert.equal(provider.currentVersion(), 2);
  assert.equal(provider.versionOf((await provider.generateDataKey(context)).wrapped), 2, 'new keys under version 2');
  assert.deepEqual(await provider.unwrap(old.wrapped, context), old.key, 'old keys still unwrap');

  const trailBefore = fake.trail.length;
  const moved = await provider.rewrap(old.wrapped, context, context);
  assert.equal(moved.masterVersion, 2);
  assert.equal(provider.versionOf(moved.wrapped), 2);
  assert.deepEqual(
    fake.trail.slice(trailBefore),
    [
      {
        operation: 'ReEncrypt',
        sourceKeyId: arn,
        sourceEncryptionContext: context,
        keyId: secondArn,
        encryptionContext: context,
      },
    ],
    'one ReEncrypt and nothing else: the clear key never left KMS',
  );

  const report = { purpose: 'report', report: randomUUID() };
  const reportKey = await first.generateDataKey(report);
  const joined = await provider.rewrap(reportKey.wrapped, report, context);
  assert.deepEqual(await provider.unwrap(joined.wrapped, context), reportKey.key, 'the report key, now a case key');
  await refused(provider.unwrap(joined.wrapped, report), 'tampered');

  // Retiring the first KMS key leaves what was moved readable, and only that.
  fake.disableKey(arn);
  assert.deepEqual(await provider.unwrap(moved.wrapped, context), old.key);
  await refused(provider.unwrap(old.wrapped, context), 'unknown_master_version');
  await provider.check();
});

test('the KMS trail names the case of every unwrap and never holds a clear key', async (t) => {
  const { fake, arn, provider } = await setup(t);
  const cases = [caseContext(), caseContext(), caseContext()];
  const keys = await Promise.all(cases.map((c) => provider.generateDataKey(c)));
  for (const [i, c] of cases.entries()) await provider.unwrap(keys[i]?.wrapped ?? Buffer.alloc(0), c);
  await refused(provider.unwrap(keys[0]?.wrapped ?? Buffer.alloc(0), cases[1] ?? {}), 'tampered');

  const decrypts = fake.trail.filter((e) => e.operation === 'Decrypt');
  assert.deepEqual(
    decrypts.map((e) => [e.keyId, e.encryptionContext?.case, e.errorCode]),
    [...cases.map((c) => [arn, c.case, undefined]), [arn, cases[1]?.case, 'InvalidCiphertextException']],
  );
  const trail = JSON.stringify(fake.trail);
  for (const { key } of keys) {
    assert.ok(!trail.includes(key.toString('base64')) && !trail.includes(key.toString('hex')));
  }
});

test('errors say which call and which KMS error, never the key, the blob or the SDK message', async (t) => {
  const { fake, url, arn, provider } = await setup(t, { timeoutMs: 200, maxAttempts: 1 });
  const context = caseContext();
  const { key, wrapped } = await provider.generateDataKey(context);
  const flipped = Buffer.from(wrapped);
  flipped[40] = (flipped[40] ?? 0) ^ 0x80;
  const errors = [
    await refused(provider.unwrap(wrapped, caseContext()), 'tampered'),
    await refused(provider.unwrap(flipped, context), 'tampered'),
  ];
  fake.disableKey(arn);
  errors.push(await refused(provider.unwrap(wrapped, context), 'unknown_master_version'));
  fake.enableKey(arn);
  fake.down();
  errors.push(await refused(provider.unwrap(wrapped, context), 'unavailable'));
  fake.up();
  fake.failWith('AccessDeniedException');
  errors.push(await refused(provider.unwrap(wrapped, context), 'unavailable'));

  assert.match(String(errors[0]), /Decrypt, master version 1: InvalidCiphertextException/);
  assert.match(String(errors[3]), /Decrypt, master version 1: TimeoutError/);
  assert.match(String(errors[4]), /AccessDeniedException/);
  const secrets = [key, wrapped, wrapped.subarray(4), flipped.subarray(4)].flatMap((b) => [
    b.toString('base64'),
    b.toString('hex'),
  ]);
  for (const error of errors) {
    const printed = `${String(error)} ${inspect(error, { showHidden: true, depth: Infinity })} ${JSON.stringify(error)}`;
    for (const secret of secrets) assert.ok(!printed.includes(secret), printed);
    assert.ok(!printed.includes(arn) && !printed.includes(url) && !printed.includes('injected'), printed);
    assert.equal(error.cause, undefined);
  }
});

test('KMS down: unavailable within attempts × timeout, check() too; back up: works again', async (t) => {
  const { fake, provider } = await setup(t, { timeoutMs: 200, maxAttempts: 2 });
  const context = caseContext();
  const { key, wrapped } = await provider.generateDataKey(context);

  fake.down();
  const before = fake.requests;
  const [, unwrapMs] = await timed(refused(provider.unwrap(wrapped, context), 'unavailable'));
  assert.equal(fake.requests - before, 2, 'two attempts, no more');
  const [, checkMs] = await timed(refused(provider.check(), 'unavailable'));
  const [, generateMs] = await timed(refused(provider.generateDataKey(context), 'unavailable'));
  t.diagnostic(`down: unwrap ${unwrapMs} ms, check ${checkMs} ms, generateDataKey ${generateMs} ms`);
  for (const ms of [unwrapMs, checkMs, generateMs]) assert.ok(ms >= 350 && ms < 2000, `${ms} ms`);

  fake.up();
  await provider.check();
  assert.deepEqual(await provider.unwrap(wrapped, context), key);
});

test('KMS slower than the timeout, or refusing connections: unavailable, bounded', async (t) => {
  const { fake, provider } = await setup(t, { timeoutMs: 200, maxAttempts: 2 });
  const context = caseContext();
  const { key, wrapped } = await provider.generateDataKey(context);

  fake.slow(60);
  assert.deepEqual(await provider.unwrap(wrapped, context), key, 'slow but within the timeout');
  fake.slow(600);
  const [, slowMs] = await timed(refused(provider.unwrap(wrapped, context), 'unavailable'));
  fake.up();
  assert.deepEqual(await provider.unwrap(wrapped, context), key);

  const closed = createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const { port } = closed.address() as { port: number };
  closed.close();
  const nowhere = kmsProvider(t, `http://127.0.0.1:${port}`, new Map([[1, 'alias/none']]), {
    timeoutMs: 200,
    maxAttempts: 2,
  });
  const [error, refusedMs] = await timed(refused(nowhere.check(), 'unavailable'));
  assert.match(String(error), /ECONNREFUSED/);
  t.diagnostic(`slow: ${slowMs} ms, connection refused: ${refusedMs} ms`);
  assert.ok(slowMs >= 350 && slowMs < 2000, `${slowMs} ms`);
  assert.ok(refusedMs < 2000, `${refusedMs} ms`);
});

test('an answer that trickles in forever: the overall deadline ends the call', async (t) => {
  // Headers at once, then a byte now and then: neither the request timeout (up to the headers) nor the
  // idle-socket timeout fires, so only the provider's own deadline over all attempts stops the wait.
  const trickle = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ntransfer-encoding: chunked\r\n\r\n');
      const timer = setInterval(() => socket.write('1\r\n \r\n'), 50);
      socket.on('close', () => clearInterval(timer));
    });
  });
  const sockets = new Set<Socket>();
  trickle.on('connection', (socket) => sockets.add(socket));
  await once(trickle.listen(0, '127.0.0.1'), 'listening');
  t.after(() => {
    trickle.close();
    for (const socket of sockets) socket.destroy();
  });
  const { port } = trickle.address() as { port: number };
  const provider = kmsProvider(t, `http://127.0.0.1:${port}`, new Map([[1, 'alias/tma']]), {
    timeoutMs: 200,
    maxAttempts: 1,
  });
  const [error, ms] = await timed(refused(provider.check(), 'unavailable'));
  t.diagnostic(`trickle: ${ms} ms (deadline 1 × (200 + 1000) ms)`);
  assert.match(String(error), /deadline exceeded/);
  assert.ok(ms >= 1100 && ms < 3000, `${ms} ms`);
});

test('throttling and internal errors are retried by the SDK, then unavailable; a refusal is not retried', async (t) => {
  const { fake, provider } = await setup(t, { timeoutMs: 500, maxAttempts: 2 });
  const context = caseContext();
  const { wrapped } = await provider.generateDataKey(context);
  for (const [type, status, attempts] of [
    ['ThrottlingException', 400, 2],
    ['KMSInternalException', 500, 2],
    ['DependencyTimeoutException', 503, 2],
    ['AccessDeniedException', 400, 1],
  ] as const) {
    fake.failWith(type, status);
    const before = fake.requests;
    const error = await refused(provider.unwrap(wrapped, context), 'unavailable');
    assert.match(String(error), new RegExp(type));
    assert.equal(fake.requests - before, attempts, type);
  }
});

test('options are checked', () => {
  const base = { region: 'eu-central-1', credentials, keys: new Map([[1, 'alias/tma']]) };
  assert.throws(() => new AwsKmsKeyProvider({ ...base, keys: new Map() }), TypeError);
  assert.throws(() => new AwsKmsKeyProvider({ ...base, keys: new Map([[0, 'alias/tma']]) }), TypeError);
  assert.throws(() => new AwsKmsKeyProvider({ ...base, keys: new Map([[1, ' ']]) }), TypeError);
  assert.throws(() => new AwsKmsKeyProvider({ ...base, timeoutMs: 0 }), TypeError);
  assert.throws(() => new AwsKmsKeyProvider({ ...base, maxAttempts: 0 }), TypeError);
});
