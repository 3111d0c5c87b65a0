import assert from 'node:assert/strict';
import { argon2Sync, createDecipheriv, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FAST, masterFile, PASSPHRASE, refused, tempDir } from '../../../../test/support/escrow.ts';
import { DEFAULT_KDF, type EscrowProblem, openEscrow, recoverInto, sealEscrow } from './escrow.ts';
import { LocalKeyProvider, MASTER_FILE } from './local-key-provider.ts';

test('round trip: the exact master file text comes back, and the recovered file unwraps an earlier data key', async () => {
  const { text, provider } = masterFile();
  const context = { purpose: 'case', case: randomUUID() };
  const { key, wrapped } = await provider.generateDataKey(context);
  const escrow = await sealEscrow(text, PASSPHRASE, { kdf: FAST, now: new Date('2025-05-01T12:00:00Z') });
  const opened = await openEscrow(escrow, PASSPHRASE);
  assert.equal(opened, text);

  const fresh = path.join(tempDir(), 'restored', 'secrets');
  const written = recoverInto(fresh, opened);
  assert.equal(written, path.join(fresh, MASTER_FILE));
  assert.equal(statSync(written).mode & 0o777, 0o600);
  assert.equal(statSync(fresh).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(fresh), [MASTER_FILE], 'no temporary file left');
  assert.deepEqual(await LocalKeyProvider.open(fresh).unwrap(wrapped, context), key);

  const document = JSON.parse(escrow);
  assert.deepEqual(Object.keys(document), [
    'format',
    'version',
    'createdAt',
    'masterVersions',
    'kdf',
    'cipher',
    'nonce',
    'ciphertext',
  ]);
  assert.equal(document.format, 'tma-master-key-escrow');
  assert.equal(document.createdAt, '2025-05-01T12:00:00.000Z');
  assert.deepEqual(document.masterVersions, [
    { version: 2, createdAt: '2025-02-01T00:00:00.000Z' },
    { version: 3, createdAt: '2025-03-01T00:00:00.000Z' },
  ]);
  assert.deepEqual(Object.keys(document.kdf), ['algorithm', 'memoryKiB', 'iterations', 'parallelism', 'salt']);
  assert.equal(Buffer.from(document.kdf.salt, 'base64').length, 16);
  assert.equal(Buffer.from(document.nonce, 'base64').length, 12);
});

test('the format is as documented: node:crypto alone (its own argon2id) decrypts an escrow', async () => {
  const { text } = masterFile();
  const { nonce, ciphertext, ...header } = JSON.parse(await sealEscrow(text, PASSPHRASE, { kdf: FAST }));
  const key = argon2Sync('argon2id', {
    message: PASSPHRASE,
    nonce: Buffer.from(header.kdf.salt, 'base64'),
    memory: header.kdf.memoryKiB,
    passes: header.kdf.iterations,
    parallelism: header.kdf.parallelism,
    tagLength: 32,
  });
  const sealed = Buffer.from(ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64'));
  decipher.setAAD(Buffer.from(JSON.stringify(header), 'utf8'));
  decipher.setAuthTag(sealed.subarray(-16));
  const plain = Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]);
  assert.equal(plain.toString('utf8'), text);
});

test('the escrow contains no master key, in base64 or hex, and no passphrase', async () => {
  const { text } = masterFile();
  const escrow = await sealEscrow(text, PASSPHRASE, { kdf: FAST });
  const keys: string[] = JSON.parse(text)
    .versions.map((v: { key?: string }) => v.key)
    .filter(Boolean);
  assert.equal(keys.length, 2);
  for (const key of keys) {
    const bytes = Buffer.from(key, 'base64');
    for (const form of [key, bytes.toString('hex'), bytes.toString('base64url'), bytes.toString('latin1')]) {
      assert.ok(!escrow.includes(form) && !escrow.toLowerCase().includes(form.toLowerCase()));
    }
  }
  for (const word of PASSPHRASE.split(' ')) assert.ok(!escrow.includes(word));
  const twice = await sealEscrow(text, PASSPHRASE, { kdf: FAST });
  assert.notEqual(JSON.parse(twice).kdf.salt, JSON.parse(escrow).kdf.salt, 'a fresh salt each time');
  assert.notEqual(JSON.parse(twice).nonce, JSON.parse(escrow).nonce, 'a fresh nonce each time');
});

test('a wrong passphrase or a flipped ciphertext byte: wrong_passphrase, which says the file may have been altered', async () => {
  const { text } = masterFile();
  const escrow = await sealEscrow(text, PASSPHRASE, { kdf: FAST });
  const other = 'correct horse battery stapler';
  const error = await refused(openEscrow(escrow, other), 'wrong_passphrase', other);
  assert.match(error.message, /wrong passphrase, or the file was altered/);
  const document = JSON.parse(escrow);
  const bytes = Buffer.from(document.ciphertext, 'base64');
  for (const at of [0, Math.floor(bytes.length / 2), bytes.length - 1]) {
    const copy = Buffer.from(bytes);
    copy[at] = (copy[at] ?? 0) ^ 0x01;
    await refused(
      openEscrow(JSON.stringify({ ...document, ciphertext: copy.toString('base64') }), PASSPHRASE),
      'wrong_passphrase',
    );
  }
});

test('every header field is bound: a change is refused (wrong_passphrase, or malformed where the schema says no)', async () => {
  const { text } = masterFile();
  const escrow = await sealEscrow(text, PASSPHRASE, { kdf: FAST });
  const original = JSON.parse(escrow);
  type Doc = typeof original;
  const changes: [string, (d: Doc) => void, EscrowProblem][] = [
    [
      'createdAt',
      (d) => {
        d.createdAt = '2020-01-01T00:00:00.000Z';
      },
      'wrong_passphrase',
    ],
    [
      'kdf.memoryKiB',
      (d) => {
        d.kdf.memoryKiB = 2048;
      },
      'wrong_passphrase',
    ],
    [
      'kdf.iterations',
      (d) => {
        d.kdf.iterations = 2;
      },
      'wrong_passphrase',
    ],
    [
      'kdf.parallelism',
      (d) => {
        d.kdf.parallelism = 2;
      },
      'wrong_passphrase',
    ],
    [
      'kdf.salt',
      (d) => {
        d.kdf.salt = Buffer.alloc(16, 7).toString('base64');
      },
      'wrong_passphrase',
    ],
    [
      'kdf.algorithm',
      (d) => {
        d.kdf.algorithm = 'argon2i';
      },
      'malformed',
    ],
    [
      'hint: a version number',
      (d) => {
        d.masterVersions[0].version = 1;
      },
      'wrong_passphrase',
    ],
    [
      'hint: a date',
      (d) => {
        d.masterVersions[1].createdAt = '2025-03-02T00:00:00.000Z';
      },
      'wrong_passphrase',
    ],
    [
      'hint: a version left out',
      (d) => {
        d.masterVersions.pop();
      },
      'wrong_passphrase',
    ],
    [
      'hint: a version added',
      (d) => {
        d.masterVersions.push({ version: 9, createdAt: d.createdAt });
      },
      'wrong_passphrase',
    ],
    [
      'hint: emptied',
      (d) => {
        d.masterVersions = [];
      },
      'malformed',
    ],
    [
      'nonce',
      (d) => {
        d.nonce = Buffer.alloc(12, 1).toString('base64');
      },
      'wrong_passphrase',
    ],
    [
      'cipher',
      (d) => {
        d.cipher = 'aes-128-gcm';
      },
      'malformed',
    ],
    [
      'an extra field',
      (d) => {
        d.comment = 'hello';
      },
      'malformed',
    ],
    [
      'version 0',
      (d) => {
        d.version = 0;
      },
      'malformed',
    ],
  ];
  for (const [what, change, problem] of changes) {
    const copy = structuredClone(original);
    change(copy);
    await assert.doesNotReject(async () => {
      await refused(openEscrow(JSON.stringify(copy), PASSPHRASE), problem);
    }, what);
  }
  assert.equal(await openEscrow(JSON.stringify(original), PASSPHRASE), text, 'reformatted JSON still opens');
});

test('truncated, not JSON, another format: malformed; version 2: unsupported_version', async () => {
  const { text } = masterFile();
  const escrow = await sealEscrow(text, PASSPHRASE, { kdf: FAST });
  await refused(openEscrow(escrow.slice(0, escrow.length / 2), PASSPHRASE), 'malformed');
  await refused(openEscrow('not json at all', PASSPHRASE), 'malformed');
  await refused(openEscrow('', PASSPHRASE), 'malformed');
  await refused(openEscrow('[]', PASSPHRASE), 'malformed');
  await refused(openEscrow(text, PASSPHRASE), 'malformed', JSON.parse(text).versions[1].key);
  await refused(
    openEscrow(JSON.stringify({ ...JSON.parse(escrow), format: 'age-encryption.org/v1' }), PASSPHRASE),
    'malformed',
  );
  const document = JSON.parse(escrow);
  await refused(openEscrow(JSON.stringify({ ...document, ciphertext: '' }), PASSPHRASE), 'malformed');
  const error = await refused(
    openEscrow(JSON.stringify({ ...document, version: 2 }), PASSPHRASE),
    'unsupported_version',
  );
  assert.match(error.message, /version 2/);
});

test('hostile KDF parameters are refused at once, without running argon2', async () => {
  const { text } = masterFile();
  const document = JSON.parse(await sealEscrow(text, PASSPHRASE, { kdf: FAST }));
  const hostile = [
    { memoryKiB: 64 * 1024 * 1024 },
    { memoryKiB: 4 * 1024 * 1024 + 1 },
    { iterations: 1_000_000 },
    { parallelism: 255 },
    { memoryKiB: 8, parallelism: 2 },
    { salt: Buffer.alloc(4).toString('base64') },
    { iterations: 1.5 },
  ];
  for (const kdf of hostile) {
    const started = performance.now();
    const error = await refused(
      openEscrow(JSON.stringify({ ...document, kdf: { ...document.kdf, ...kdf } }), PASSPHRASE),
      'malformed',
    );
    assert.ok(performance.now() - started < 200, `refused quickly: ${JSON.stringify(kdf)}`);
    assert.match(error.message, /kdf/);
  }
  await assert.rejects(sealEscrow(text, PASSPHRASE, { kdf: { ...FAST, memoryCost: 64 * 1024 * 1024 } }), RangeError);
});

test('recoverInto refuses an existing master key file and leaves it untouched; it refuses text that is no master key file', async () => {
  const { dir, text } = masterFile();
  const file = path.join(dir, MASTER_FILE);
  const other = masterFile().text;
  await refused(
    Promise.resolve().then(() => recoverInto(dir, other)),
    'exists',
  );
  assert.equal(readFileSync(file, 'utf8'), text);
  assert.deepEqual(readdirSync(dir), [MASTER_FILE]);

  const target = path.join(tempDir(), 'keys.json');
  writeFileSync(target, 'occupied');
  await refused(
    Promise.resolve().then(() => recoverInto(dir, other, { file: target })),
    'exists',
  );
  assert.equal(readFileSync(target, 'utf8'), 'occupied');

  const empty = path.join(tempDir(), 'secrets');
  await refused(
    Promise.resolve().then(() => recoverInto(empty, '{"format":1,"versions":[]}')),
    'malformed',
  );
  await refused(
    Promise.resolve().then(() => recoverInto(empty, 'garbage')),
    'malformed',
  );
  const elsewhere = path.join(tempDir(), 'mounted', 'master.json');
  assert.equal(recoverInto(empty, other, { file: elsewhere }), elsewhere);
  assert.equal(readFileSync(elsewhere, 'utf8'), other);
});

test('the default KDF parameters (64 MiB, 3 passes): seal and open, timed', async (t) => {
  const { text } = masterFile();
  let started = performance.now();
  const escrow = await sealEscrow(text, PASSPHRASE);
  const sealMs = performance.now() - started;
  const kdf = JSON.parse(escrow).kdf;
  assert.deepEqual(
    { memoryKiB: kdf.memoryKiB, iterations: kdf.iterations, parallelism: kdf.parallelism },
    { memoryKiB: DEFAULT_KDF.memoryCost, iterations: DEFAULT_KDF.timeCost, parallelism: DEFAULT_KDF.parallelism },
  );
  started = performance.now();
  assert.equal(await openEscrow(escrow, PASSPHRASE), text);
  const openMs = performance.now() - started;
  t.diagnostic(`argon2id 64 MiB, t=3, p=1: seal ${sealMs.toFixed(0)} ms, open ${openMs.toFixed(0)} ms`);
});
