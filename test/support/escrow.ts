import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EscrowError, type EscrowProblem } from '../../src/server/platform/crypto/escrow.ts';
import { LocalKeyProvider, MASTER_FILE } from '../../src/server/platform/crypto/local-key-provider.ts';

/** The escrow tests' fixtures (escrow.test.ts, escrow-passphrase.test.ts). */
export const FAST = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
export const PASSPHRASE = 'correct horse battery staple';
export const tempDir = () => mkdtempSync(path.join(tmpdir(), 'tma-escrow-'));

/** A master key file with a rotated-out version, a destroyed one and the current one. */
export function masterFile(): { dir: string; text: string; provider: LocalKeyProvider } {
  const dir = path.join(tempDir(), 'secrets');
  const provider = LocalKeyProvider.open(dir, { now: new Date('2025-01-01T00:00:00Z') });
  provider.addVersion(new Date('2025-02-01T00:00:00Z'));
  provider.addVersion(new Date('2025-03-01T00:00:00Z'));
  provider.destroyVersion(1, new Date('2025-04-01T00:00:00Z'));
  return { dir, text: readFileSync(path.join(dir, MASTER_FILE), 'utf8'), provider };
}

export async function refused(
  promise: Promise<unknown>,
  problem: EscrowProblem,
  secret?: string,
): Promise<EscrowError> {
  let caught: EscrowError | undefined;
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof EscrowError, String(e));
    assert.equal(e.problem, problem, e.message);
    if (secret !== undefined) assert.ok(!e.message.includes(secret), 'the message does not quote the secret');
    caught = e;
    return true;
  });
  return caught as EscrowError;
}
