import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, isLoopbackHost, loadConfig, parseTrustProxy } from './config.ts';

const cwd = '/srv/tma';

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, cwd);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  test('defaults run TMA on the embedded engine on localhost:3000', () => {
    const c = loadConfig({}, cwd);
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.dataDir, '/srv/tma/data');
    assert.equal(c.secretsDir, '/srv/tma/secrets');
    assert.equal(c.publicUrl.origin, 'http://localhost:3000');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.trustProxy, false);
    assert.equal(c.shutdownGraceMs, 25_000);
    assert.equal(c.sessionIdleSeconds, 1800);
    assert.equal(c.sessionAbsoluteSeconds, 43_200);
    assert.equal(c.stepUpSeconds, 300);
  });

  test('an empty variable counts as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '', TMA_PORT: '' }, cwd).databaseUrl, undefined);
  });

  test('TMA_PORT wins over PORT, which is accepted too', () => {
    assert.equal(loadConfig({ PORT: '8080' }, cwd).port, 8080);
    assert.equal(loadConfig({ PORT: '8080', TMA_PORT: '9090' }, cwd).port, 9090);
  });

  test('every problem is listed at once, one line each, naming the variable', () => {
    const list = problems({
      TMA_PORT: 'eighty',
      TMA_PUBLIC_URL: 'ftp://x',
      TMA_LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
    });
    assert.equal(list.length, 4, list.join('\n'));
    for (const name of ['TMA_PORT', 'TMA_PUBLIC_URL', 'TMA_LOG_LEVEL', 'DATABASE_URL']) {
      assert.ok(
        list.some((p) => p.startsWith(`${name}:`)),
        name,
      );
    }
  });

  test('secrets come from NAME or NAME_FILE, never both, and never appear in errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tma-cfg-'));
    const file = path.join(dir, 'db-url');
    writeFileSync(file, 'postgres://app:s3cret-pw@db:5432/tma\n');
    assert.equal(loadConfig({ DATABASE_URL_FILE: file }, cwd).databaseUrl, 'postgres://app:s3cret-pw@db:5432/tma');
    const both = problems({ DATABASE_URL_FILE: file, DATABASE_URL: 'postgres://x@y/z' });
    assert.match(both.join(), /both set/);
    assert.match(problems({ TMA_METRICS_TOKEN_FILE: path.join(dir, 'missing') }).join(), /cannot read .* \(ENOENT\)/);
    const short = problems({ TMA_METRICS_TOKEN: 'tooshort-secret-value' });
    assert.doesNotMatch(short.join(), /tooshort-secret-value/);
    const badUrl = problems({ DATABASE_URL: 'mysql://app:s3cret-pw@db/tma' });
    assert.doesNotMatch(badUrl.join(), /s3cret-pw/);
  });

  test('a non-loopback address without TLS is refused unless a trusted proxy terminates TLS', () => {
    assert.match(problems({ TMA_HOST: '0.0.0.0' }).join(), /refusing to listen on 0\.0\.0\.0 without TLS/);
    assert.equal(loadConfig({ TMA_HOST: '0.0.0.0', TMA_TRUST_PROXY: '10.0.0.0/8' }, cwd).host, '0.0.0.0');
    assert.equal(
      loadConfig({ TMA_HOST: '0.0.0.0', TMA_TLS_CERT_FILE: 'c', TMA_TLS_KEY_FILE: 'k' }, cwd).host,
      '0.0.0.0',
    );
    assert.match(problems({ TMA_TLS_CERT_FILE: 'c' }).join(), /must be set together/);
  });

  test('trusted proxies: a hop count or addresses and CIDR ranges', () => {
    assert.equal(parseTrustProxy(undefined), false);
    assert.equal(parseTrustProxy('0'), false);
    assert.equal(parseTrustProxy('2'), 2);
    assert.deepEqual(parseTrustProxy('10.0.0.0/8, 192.168.1.7,::1'), ['10.0.0.0/8', '192.168.1.7', '::1']);
    assert.ok(
      typeof parseTrustProxy('10.0.0.0/33') === 'object' && 'error' in (parseTrustProxy('10.0.0.0/33') as object),
    );
    assert.match(problems({ TMA_TRUST_PROXY: 'everyone' }).join(), /TMA_TRUST_PROXY/);
  });

  test('loopback detection', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['0.0.0.0', '10.0.0.1', '::', 'example.org']) assert.equal(isLoopbackHost(h), false, h);
  });

  test('the secrets directory must lie outside the data directory', () => {
    assert.match(problems({ TMA_SECRETS_DIR: './data/keys' }).join(), /outside TMA_DATA_DIR/);
  });

  test('a symbolic link does not smuggle the secrets into the data directory', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'tma-config-'));
    mkdirSync(path.join(root, 'data'));
    symlinkSync(path.join(root, 'data'), path.join(root, 'elsewhere'));
    const env = { TMA_DATA_DIR: path.join(root, 'data'), TMA_SECRETS_DIR: path.join(root, 'elsewhere', 'secrets') };
    assert.match(problems(env).join(), /TMA_SECRETS_DIR must lie outside TMA_DATA_DIR/);
  });
  test('keys: the local master key file outside the data directory; AWS KMS over https with its keys named', () => {
    const local = loadConfig({}, cwd).keys;
    assert.deepEqual(local, {
      provider: 'local',
      masterKeysFile: '/srv/tma/secrets/master-keys.json',
      epochRetentionDays: 35,
    });
    assert.match(
      problems({ TMA_MASTER_KEYS_FILE: 'data/keys.json' }).join('\n'),
      /TMA_MASTER_KEYS_FILE must lie outside/,
    );
    const kms = {
      TMA_KEY_PROVIDER: 'aws-kms',
      TMA_KMS_REGION: 'eu-central-1',
      TMA_KMS_KEYS: '1=arn:aws:kms:eu-central-1:111122223333:key/a, 2=alias/tma-2',
    };
    const c = loadConfig(kms, cwd).keys;
    assert.ok(c.provider === 'aws-kms');
    assert.deepEqual(
      [...c.kmsKeys],
      [
        [1, 'arn:aws:kms:eu-central-1:111122223333:key/a'],
        [2, 'alias/tma-2'],
      ],
    );
    assert.equal(loadConfig({ ...kms, TMA_KMS_ENDPOINT: 'http://127.0.0.1:4566' }, cwd).keys.provider, 'aws-kms');
    const refused = [
      [{ ...kms, TMA_KMS_ENDPOINT: 'http://kms.internal.example' }, /must be https/],
      [{ ...kms, AWS_ENDPOINT_URL_KMS: 'http://evil.example' }, /AWS_ENDPOINT_URL_KMS is set/],
      [{ ...kms, TMA_KMS_KEYS: '1=a,1=b' }, /not version=key-id/],
      [{ ...kms, TMA_KMS_KEYS: '' }, /needs TMA_KMS_KEYS/],
      [{ ...kms, TMA_KMS_REGION: 'mars' }, /AWS region/],
      [{ ...kms, TMA_MASTER_KEYS_FILE: '/run/secrets/keys' }, /local key provider only/],
    ] as const;
    for (const [env, message] of refused) assert.match(problems(env).join('\n'), message, JSON.stringify(env));
  });
});
