import type { KeyRing } from '../../platform/crypto/key-ring.ts';
import { type FieldContext, sealField } from '../../platform/crypto/sealed-field.ts';

/**
 * TOTP secrets are sealed with the system key (docs/security.md): a copy of the database gives no
 * one the codes of anyone's authenticator app. The sealed value is bound to its user's row and
 * column, so it cannot be moved to another account.
 */
export type TotpSecretColumn = 'secret' | 'pending_secret';

const placeOf = (userId: string, column: TotpSecretColumn): FieldContext => ({
  table: 'mfa_totp',
  column,
  rowId: userId,
});

export async function sealTotpSecret(
  keys: KeyRing,
  userId: string,
  column: TotpSecretColumn,
  secret: string,
): Promise<Buffer> {
  return sealField(await keys.systemKey(), secret, placeOf(userId, column));
}

/** The secret in the clear: from its sealed column, or, on a row from before sealing, its plaintext column. */
export async function openTotpSecret(
  keys: KeyRing,
  userId: string,
  column: TotpSecretColumn,
  sealed: Uint8Array | null,
  legacy: string | null,
): Promise<string | null> {
  return sealed === null ? legacy : keys.openText(sealed, placeOf(userId, column));
}
