import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hash } from '@node-rs/argon2';
import { HASH_PARAMS, hashPassword, needsRehash, verifyPassword } from './password-hashing.ts';

test('argon2id with at least 19 MiB and 2 passes; verify accepts only the right password', async () => {
  const encoded = await hashPassword('a long enough passphrase');
  assert.match(encoded, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.ok(HASH_PARAMS.memoryCost >= 19 * 1024 && HASH_PARAMS.timeCost >= 2);
  assert.equal(await verifyPassword(encoded, 'a long enough passphrase'), true);
  assert.equal(await verifyPassword(encoded, 'a long enough passphrasE'), false);
  assert.equal(await verifyPassword('not a hash', 'x'), false);
  assert.equal(needsRehash(encoded), false);
});

test('a hash with weaker parameters or another algorithm needs a rehash', async () => {
  const weak = await hash('pw', { memoryCost: 4096, timeCost: 1, parallelism: 1 });
  assert.equal(needsRehash(weak), true);
  assert.equal(needsRehash('$2b$10$abcdefghijklmnopqrstuv'), true);
});
