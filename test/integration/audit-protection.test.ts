import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { auditProtectionGaps } from '../../src/server/platform/db/open.ts';
import { asOwner, engines, openTestDatabase } from '../support/db.ts';
import { spawnServer } from '../support/process.ts';

/** Only when the suite runs with a separate owner and application role (as .ci/run sets up). */
function separateRoles(): boolean {
  const app = process.env.DATABASE_URL;
  const owner = process.env.TMA_MIGRATION_DATABASE_URL;
  return app !== undefined && owner !== undefined && new URL(app).username !== new URL(owner).username;
}

if (engines().includes('postgres')) {
  describe('the application role and the audit trail on PostgreSQL', () => {
    test('the owner could rewrite the trail; the application role, when separate, can only append', async () => {
      const t = await openTestDatabase('postgres');
      try {
        await asOwner(t, async (owner) => {
          assert.ok((await auditProtectionGaps(owner)).includes('owns the audit tables'));
        });
        if (separateRoles()) {
          assert.deepEqual(await auditProtectionGaps(t.database.db), []);
          for (const statement of [
            sql`alter table audit_events disable trigger user`,
            sql`insert into audit_cuts (seq, hash, horizon, before, at, key_id, signature) values (1, 'x', '1', now(), now(), 'k', 's')`,
            sql`insert into audit_events (id, at, action, outcome) overriding system value values (999999, now(), 'x', 'allowed')`,
            sql`insert into audit_chain (seq, event_id, hash, horizon) values (999999, 1, 'x', '9223372036854775807')`,
          ]) {
            await assert.rejects(
              statement.execute(t.database.db),
              /must be owner|permission denied|assigned by the database|not yet defined|beyond the present/,
            );
          }
        }
      } finally {
        await t.close();
      }
    });

    test('in production the server refuses to start with a role that could rewrite its audit trail', async () => {
      const t = await openTestDatabase('postgres');
      try {
        const dir = mkdtempSync(path.join(tmpdir(), 'tma-prod-'));
        const server = spawnServer({
          NODE_ENV: 'production',
          DATABASE_URL: t.urls?.owner ?? '',
          TMA_DATA_DIR: path.join(dir, 'data'),
          TMA_SECRETS_DIR: path.join(dir, 'secrets'),
          TMA_AUDIT_DIR: path.join(dir, 'audit'),
        });
        assert.equal(await server.exited, 1);
        assert.match(server.stderr(), /tma: cannot start: the application's database role owns the audit tables/);
      } finally {
        await t.close();
      }
    });
  });
}
