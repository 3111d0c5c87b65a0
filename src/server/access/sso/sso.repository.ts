import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/key-ring.ts';
import { type FieldContext, sealField } from '../../platform/crypto/sealed-field.ts';
import type { DB, SsoFlowTable } from '../../platform/db/schema.ts';

/** A flow as the service sees it: the path to return to in the clear (sealed in the table: it can carry a search). */
export type SsoFlow = Omit<SsoFlowTable, 'return_to_sealed'>;

const returnPlace = (state: string): FieldContext => ({ table: 'sso_flows', column: 'return_to', rowId: state });

/** Identities at the provider bound to accounts, and the flows on their way through it. */
export const ssoRepository = {
  userOf(db: Kysely<DB>, issuer: string, subject: string) {
    return db
      .selectFrom('user_identities')
      .select('user_id')
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
  },

  /** The account's identity at a provider (TMA talks to one provider at a time). */
  identityOfUser(db: Kysely<DB>, userId: string) {
    return db.selectFrom('user_identities').selectAll().where('user_id', '=', userId).executeTakeFirst();
  },

  /** Binds the identity to the account; false when it is bound already (to anyone), or the account to another. */
  async bind(db: Kysely<DB>, issuer: string, subject: string, userId: string, now: Date): Promise<boolean> {
    const row = await db
      .insertInto('user_identities')
      .values({ issuer, subject, user_id: userId, created_at: now, last_used_at: null })
      .onConflict((oc) => oc.doNothing())
      .returning('user_id')
      .executeTakeFirst();
    return row !== undefined;
  },

  async unbind(db: Kysely<DB>, userId: string): Promise<boolean> {
    const r = await db.deleteFrom('user_identities').where('user_id', '=', userId).executeTakeFirst();
    return r.numDeletedRows > 0n;
  },

  async touch(db: Kysely<DB>, issuer: string, subject: string, now: Date): Promise<void> {
    await db
      .updateTable('user_identities')
      .set({ last_used_at: now })
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .execute();
  },

  async saveFlow(db: Kysely<DB>, keys: KeyRing, flow: SsoFlow): Promise<void> {
    const path = flow.return_to;
    const sealed = path === null ? null : sealField(await keys.using(db).systemKey(), path, returnPlace(flow.state));
    await db
      .insertInto('sso_flows')
      .values({ ...flow, return_to: null, return_to_sealed: sealed })
      .execute();
  },

  /**
   * Takes a flow out: only once, only in the browser that started it, only before it expires.
   * A replayed callback, or one carried to another browser, finds nothing.
   */
  async spendFlow(
    db: Kysely<DB>,
    keys: KeyRing,
    state: string,
    browserHash: string,
    now: Date,
  ): Promise<SsoFlow | undefined> {
    const row = await db
      .deleteFrom('sso_flows')
      .where('state', '=', state)
      .where('browser_hash', '=', browserHash)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const { return_to_sealed: sealed, ...flow } = row;
    const path = sealed === null ? null : await keys.using(db).openText(sealed, returnPlace(row.state));
    return { ...flow, return_to: path };
  },

  async markSession(db: Kysely<DB>, sessionId: string, issuer: string): Promise<void> {
    await db.updateTable('sessions').set({ sso_issuer: issuer }).where('id', '=', sessionId).execute();
  },

  async sessionIssuer(db: Kysely<DB>, sessionId: string): Promise<string | null> {
    const row = await db.selectFrom('sessions').select('sso_issuer').where('id', '=', sessionId).executeTakeFirst();
    return row?.sso_issuer ?? null;
  },
};
