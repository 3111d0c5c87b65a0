import { type Kysely, sql } from 'kysely';
import type { Expertise, Role, UserStatus } from '../../../contract/accounts.ts';
import { emailIndex, normaliseEmail, openIdentity, sealIdentity } from '../../access/identity.ts';
import type { KeyRing } from '../../platform/crypto/key-ring.ts';
import type { DB } from '../../platform/db/schema.ts';
import { ConflictError } from '../../platform/http/errors.ts';

/** A user as services see it: the address and the name in the clear, opened here (access/identity.ts). */
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
  'email_sealed',
  'display_name_sealed',
  'role',
  'expertise',
  'status',
  'version',
  'created_at',
  'activated_at',
  'password_hash',
] as const;

type StoredRow = UserRow & {
  email_sealed: Uint8Array | null;
  display_name_sealed: Uint8Array | null;
};

async function opened(keys: KeyRing, row: StoredRow): Promise<UserRow>;
async function opened(keys: KeyRing, row: StoredRow | undefined): Promise<UserRow | undefined>;
async function opened(keys: KeyRing, row: StoredRow | undefined): Promise<UserRow | undefined> {
  if (row === undefined) return undefined;
  const { email_sealed: _e, display_name_sealed: _d, ...rest } = row;
  const { email, displayName } = await openIdentity(keys, row);
  return { ...rest, email, display_name: displayName };
}

/**
 * Whether accounts from before sealing are left, whose address is found by its plaintext: only then
 * is the address sent to the database in the clear (where a statement log could keep it). Once
 * none is left, none comes back (new accounts are sealed), so the answer is kept; while some are,
 * it is asked again after a minute.
 */
const legacy = new WeakMap<object, { left: boolean; until: number }>();
async function legacyLeft(db: Kysely<DB>, keys: KeyRing): Promise<boolean> {
  const known = legacy.get(keys.installation);
  if (known !== undefined && (!known.left || known.until > Date.now())) return known.left;
  const row = await db.selectFrom('users').select('id').where('email', 'is not', null).limit(1).executeTakeFirst();
  legacy.set(keys.installation, { left: row !== undefined, until: Date.now() + 60_000 });
  return row !== undefined;
}

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

  findById: async (db: Kysely<DB>, keys: KeyRing, id: string): Promise<UserRow | undefined> =>
    opened(keys.using(db), await db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst()),

  /** Reads and locks the row until the transaction ends: decisions about an account are serialised. */
  lockById: async (db: Kysely<DB>, keys: KeyRing, id: string): Promise<UserRow | undefined> =>
    opened(
      keys.using(db),
      await db.selectFrom('users').select(COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst(),
    ),

  /** By the blind index of the address, or, on a row not yet sealed, its plaintext. */
  findByEmail: async (db: Kysely<DB>, keys: KeyRing, email: string): Promise<UserRow | undefined> => {
    const index = await emailIndex(keys.using(db), email);
    const plaintext = (await legacyLeft(db, keys)) ? normaliseEmail(email) : undefined;
    const row = await db
      .selectFrom('users')
      .select(COLUMNS)
      .where((eb) =>
        plaintext === undefined
          ? eb('email_bidx', '=', index)
          : eb.or([eb('email_bidx', '=', index), eb('email', '=', plaintext)]),
      )
      .executeTakeFirst();
    return opened(keys.using(db), row);
  },

  list: async (db: Kysely<DB>, keys: KeyRing): Promise<UserRow[]> => {
    const rows = await db.selectFrom('users').select(COLUMNS).orderBy('created_at').execute();
    return Promise.all(rows.map((r) => opened(keys.using(db), r)));
  },

  async insert(
    db: Kysely<DB>,
    keys: KeyRing,
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
    const taken = () => new ConflictError('A user with this e-mail address exists already.', 'email_taken');
    // A row from before sealing holds its address in plaintext until the job accounts.seal_legacy seals it.
    if (await legacyLeft(db, keys)) {
      const old = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', normaliseEmail(user.email))
        .executeTakeFirst();
      if (old !== undefined) throw taken();
    }
    const row = await db
      .insertInto('users')
      .values({
        id: user.id,
        email: null,
        display_name: null,
        ...(await sealIdentity(keys.using(db), user.id, user)),
        role: user.role,
        expertise: user.expertise,
        status: user.status,
        password_hash: user.passwordHash,
        password_changed_at: user.passwordHash ? now : null,
        activated_at: user.status === 'active' ? now : null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('email_bidx').doNothing())
      .returning(COLUMNS)
      .executeTakeFirst();
    if (row === undefined) throw taken();
    return opened(keys.using(db), row);
  },

  /** Optimistic concurrency: the update applies only to the version the caller read. */
  async update(
    db: Kysely<DB>,
    keys: KeyRing,
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
    return opened(keys.using(db), row);
  },
};
