import { createHmac } from 'node:crypto';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { type FieldContext, sealField } from '../platform/crypto/sealed-field.ts';

/**
 * The e-mail address and the name of an account are personal data: sealed with the system key,
 * bound to the user's row (docs/security.md). The address is found at sign-in, and kept unique,
 * by its blind index: an HMAC of the normalised address under a key derived from the index key,
 * so that a dump of the database shows neither the address nor a hash anyone could recompute
 * from a list of addresses.
 */
const EMAIL_INDEX = 'account-email';

const placeOf = (userId: string, column: 'email' | 'display_name'): FieldContext => ({
  table: 'users',
  column,
  rowId: userId,
});

/** The one form of an address for indexing and comparing: what sign-in types and what is stored agree. */
export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export async function emailIndex(keys: KeyRing, email: string): Promise<Buffer> {
  return createHmac('sha256', await keys.indexKey(EMAIL_INDEX))
    .update(normaliseEmail(email), 'utf8')
    .digest();
}

export interface SealedIdentity {
  readonly email_sealed: Buffer;
  readonly email_bidx: Buffer;
  readonly display_name_sealed: Buffer;
}

export async function sealIdentity(
  keys: KeyRing,
  userId: string,
  identity: { readonly email: string; readonly displayName: string },
): Promise<SealedIdentity> {
  const key = await keys.systemKey();
  return {
    email_sealed: sealField(key, identity.email, placeOf(userId, 'email')),
    email_bidx: await emailIndex(keys, identity.email),
    display_name_sealed: sealField(key, identity.displayName, placeOf(userId, 'display_name')),
  };
}

export interface IdentityColumns {
  readonly id: string;
  readonly email: string | null;
  readonly display_name: string | null;
  readonly email_sealed: Uint8Array | null;
  readonly display_name_sealed: Uint8Array | null;
}

async function openOne(
  keys: KeyRing,
  userId: string,
  column: 'email' | 'display_name',
  sealed: Uint8Array | null,
  legacy: string | null,
): Promise<string | null> {
  return sealed === null ? legacy : keys.openText(sealed, placeOf(userId, column));
}

/** The address and name in the clear: from the sealed columns, or, on a row from before sealing, the plaintext ones. */
export async function openIdentity(
  keys: KeyRing,
  row: IdentityColumns,
): Promise<{ email: string | null; displayName: string | null }> {
  return {
    email: await openOne(keys, row.id, 'email', row.email_sealed, row.email),
    displayName: await openOne(keys, row.id, 'display_name', row.display_name_sealed, row.display_name),
  };
}

/** The name of another account (an actor in the audit trail, a requester): the same, for joined columns. */
export async function openName(
  keys: KeyRing,
  userId: string,
  sealed: Uint8Array | null,
  legacy: string | null,
): Promise<string | null> {
  return openOne(keys, userId, 'display_name', sealed, legacy);
}

export async function openEmail(
  keys: KeyRing,
  userId: string,
  sealed: Uint8Array | null,
  legacy: string | null,
): Promise<string | null> {
  return openOne(keys, userId, 'email', sealed, legacy);
}
