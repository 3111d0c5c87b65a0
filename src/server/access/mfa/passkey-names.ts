import type { KeyRing } from '../../platform/crypto/key-ring.ts';
import { type FieldContext, sealField } from '../../platform/crypto/sealed-field.ts';

/**
 * The names users give their passkeys are sealed with the system key: "Kim's phone" says who and
 * what, and a copy of the database should not. Bound to the passkey's row.
 */
const placeOf = (passkeyId: string): FieldContext => ({ table: 'mfa_passkeys', column: 'name', rowId: passkeyId });

export async function sealPasskeyName(keys: KeyRing, passkeyId: string, name: string): Promise<Buffer> {
  return sealField(await keys.systemKey(), name, placeOf(passkeyId));
}

/** The name in the clear: from its sealed column, or, on a row from before sealing, its plaintext column. */
export async function openPasskeyName(
  keys: KeyRing,
  row: { readonly id: string; readonly name: string | null; readonly name_sealed: Uint8Array | null },
): Promise<string> {
  return row.name_sealed === null ? (row.name ?? '') : keys.openText(row.name_sealed, placeOf(row.id));
}
