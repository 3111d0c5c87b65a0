import { type Kysely, sql } from 'kysely';
import type { Expertise, Role, UserStatus } from '../../../contract/accounts.ts';
import type { DB } from '../../platform/db/schema.ts';
import { ConflictError } from '../../platform/http/errors.ts';

export interface UserRow {
  id: string;
  email: string | null;
  display_name: string | null;
  role: string;
  expertise: string | null;
  status: string;
  version: number;
  created_at: Date;
  activated_at: Date | null;
  password_hash: string | null;
}

const COLUMNS = [
  'id',
  'email',
  'display_name',
  'role',
  'expertise',
  'status',
  'version',
  'created_at',
  'activated_at',
  'password_hash',
] as const;

export const usersRepository = {
  count: async (db: Kysely<DB>) =>
    Number(
      (
        await db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),

  findById: (db: Kysely<DB>, id: string): Promise<UserRow | undefined> =>
    db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst(),

  /** Reads and locks the row until the transaction ends: decisions about an account are serialised. */
  lockById: (db: Kysely<DB>, id: string): Promise<UserRow | undefined> =>
    db.selectFrom('users').select(COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst(),

  findByEmail: (db: Kysely<DB>, email: string): Promise<UserRow | undefined> =>
    db.selectFrom('users').select(COLUMNS).where('email', '=', email).executeTakeFirst(),

  list: (db: Kysely<DB>): Promise<UserRow[]> => db.selectFrom('users').select(COLUMNS).orderBy('created_at').execute(),

  async insert(
    db: Kysely<DB>,
    user: {
      id: string;
      email: string;
      displayName: string;
      role: Role;
      expertise: Expertise | null;
      status: UserStatus;
      passwordHash: string | null;
    },
    now: Date,
  ): Promise<UserRow> {
    const row = await db
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email,
        display_name: user.displayName,
        role: user.role,
        expertise: user.expertise,
        status: user.status,
        password_hash: user.passwordHash,
        password_changed_at: user.passwordHash ? now : null,
        activated_at: user.status === 'active' ? now : null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning(COLUMNS)
      .executeTakeFirst();
    if (row === undefined) throw new ConflictError('A user with this e-mail address exists already.', 'email_taken');
    return row;
  },

  /** Optimistic concurrency: the update applies only to the version the caller read. */
  async update(
    db: Kysely<DB>,
    id: string,
    expectedVersion: number | undefined,
    set: Partial<{ role: Role; expertise: Expertise | null; status: UserStatus; password_hash: string | null }>,
    now: Date,
  ): Promise<UserRow> {
    let q = db
      .updateTable('users')
      .set({
        ...set,
        ...(set.password_hash !== undefined ? { password_changed_at: set.password_hash ? now : null } : {}),
        ...(set.status === 'active' ? { activated_at: sql<Date>`coalesce(activated_at, ${now})` } : {}),
        version: sql<number>`version + 1`,
        updated_at: now,
      })
      .where('id', '=', id);
    if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
    const row = await q.returning(COLUMNS).executeTakeFirst();
    if (row === undefined) throw new ConflictError('The user was changed by someone else; reload and try again.');
    return row;
  },
};
