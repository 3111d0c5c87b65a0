import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CHECKPOINT_FILE, loadSigner, readCheckpointFile } from '../../src/server/audit/checkpoints.ts';
import { verifyTrail } from '../../src/server/audit/verify.ts';
import { seedCleanChain, TAMPERINGS, tamper } from '../support/audit.ts';
import { engines, openTestDatabase, type TestDatabase } from '../support/db.ts';

/** Every tampering of test/support/audit.ts, made directly in the database, named by the verifier. */
for (const engine of engines()) {
  describe(`audit tampering on ${engine}`, () => {
    const signer = (() => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tma-audit-'));
      return loadSigner(path.join(dir, 'key.pem'), dir);
    })();
    // Each case works on its own copy of a clean chain of 40 events with a checkpoint at 30.
    async function fresh(): Promise<{ db: TestDatabase; dir: string; run: () => ReturnType<typeof verifyTrail> }> {
      const db = await openTestDatabase(engine);
      const dir = mkdtempSync(path.join(tmpdir(), 'tma-audit-'));
      await seedCleanChain(db.database, signer, dir);
      const run = () =>
        verifyTrail(db.database.db, {
          publicKey: signer.publicKey,
          externalCheckpoints: readCheckpointFile(path.join(dir, CHECKPOINT_FILE)).checkpoints,
          now: new Date(),
        });
      return { db, dir, run };
    }
    for (const [name, change, kind, seq] of TAMPERINGS) {
      test(name, async () => {
        const { db, run } = await fresh();
        try {
          assert.equal((await run()).ok, true);
          await tamper(db, change);
          const r = await run();
          assert.equal(r.ok, false);
          assert.equal(r.problems[0]?.kind, kind, JSON.stringify(r.problems));
          assert.equal(r.problems[0]?.seq, seq);
        } finally {
          await db.close();
        }
      });
    }
  });
}
