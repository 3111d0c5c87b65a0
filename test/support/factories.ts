import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, UserTable } from '../../src/server/platform/db/schema.ts';

type Role = 'reporter' | 'threat_manager' | 'team_lead' | 'expert' | 'admin' | 'auditor';

/** Test data with sensible defaults; each test states only what matters to it. */
export const factories = {
  async user(db: Kysely<DB>, overrides: Partial<{ role: Role; status: 'invited' | 'active' | 'locked' }> = {}) {
    const row: Pick<UserTable, 'id' | 'role' | 'status'> = {
      id: randomUUID(),
      role: overrides.role ?? 'threat_manager',
      status: overrides.status ?? 'active',
    };
    return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
  },
};
