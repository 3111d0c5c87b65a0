import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { settingsRepository } from '../../src/server/features/settings/settings.repository.ts';
import { buildTestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

/**
 * PostgreSQL connections killed under the server (a failover, a restart of the database): no
 * crash, the pool replaces the dead connections, readiness recovers without a restart, and what
 * was acknowledged before stays.
 */
describe('database connections killed under the server', {
  skip: !engines().includes('postgres') && 'needs DATABASE_URL',
}, () => {
  test('the pool recovers and no acknowledged write is lost', async () => {
    const t = await buildTestApp('postgres');
    try {
      await settingsRepository.getOrCreate(t.database.db, 'test.acknowledged', { kept: true });
      // Warm the pool so that several idle connections die at once.
      await Promise.all(Array.from({ length: 5 }, () => t.app.inject({ method: 'GET', url: '/readyz' })));

      const { rows } = await sql<{ url: string }>`select current_database() as url`.execute(t.database.db);
      const killer = new pg.Client({
        connectionString: process.env.DATABASE_URL?.replace(/\/[^/]*$/, `/${rows[0]?.url}`),
      });
      await killer.connect();
      const killed = await killer.query(
        'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      await killer.end();
      assert.ok(killed.rows[0].n >= 1, 'connections were killed');

      let ready = 0;
      for (let i = 0; i < 20 && ready < 3; i++) {
        const res = await t.app.inject({ method: 'GET', url: '/readyz' });
        if (res.statusCode === 200) ready++;
        assert.ok(res.statusCode === 200 || res.statusCode === 503, `never a crash or a 500: ${res.statusCode}`);
      }
      assert.equal(ready, 3, 'readiness recovered without a restart');
      assert.equal((await t.app.inject({ method: 'GET', url: '/livez' })).statusCode, 200);
      assert.deepEqual((await settingsRepository.get(t.database.db, 'test.acknowledged'))?.value, { kept: true });
    } finally {
      await t.close();
    }
  });
});
