import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { type FieldContext, sealField } from '../platform/crypto/sealed-field.ts';
import { unlessUnreadable } from '../platform/crypto/unreadable.ts';

/**
 * The stated purpose of a sensitive access (break-glass, exports) is free text about a case: it is
 * sealed with the case's key (the system key for events about no case), so that shredding the case
 * shreds it too while the chain, which hashes the sealed bytes, stays verifiable without any key.
 *
 * An event has no id before it is inserted, so the additional data binds the purpose to the
 * event's case, actor, time and action instead of its row; once chained, the hash chain binds it
 * to its row as well.
 */
declare const sealed: unique symbol;
/** Made only by sealPurpose: recordAudit accepts no purpose in the clear. */
export type SealedPurpose = Buffer & { readonly [sealed]: true };

export interface PurposeOwner {
  readonly caseId?: string | null | undefined;
  readonly actorUserId?: string | null | undefined;
  readonly at: Date;
  readonly action: string;
}

const placeOf = (owner: PurposeOwner): FieldContext => ({
  table: 'audit_events',
  column: 'purpose',
  rowId: [owner.caseId ?? '-', owner.actorUserId ?? '-', owner.at.toISOString(), owner.action].join('/'),
});

/** MissingKeyError for a shredded case: nothing new is written about it readably. */
export async function sealPurpose(keys: KeyRing, owner: PurposeOwner, text: string): Promise<SealedPurpose> {
  const key = owner.caseId ? await keys.keyFor('case', owner.caseId) : await keys.systemKey();
  return sealField(key, text, placeOf(owner)) as SealedPurpose;
}

/** The purpose in the clear; null when there is none, or when it cannot be read (its case shredded). */
export async function openPurpose(
  keys: KeyRing,
  owner: PurposeOwner,
  value: Uint8Array | null,
): Promise<string | null> {
  if (value === null) return null;
  return unlessUnreadable(keys.openText(value, placeOf(owner)));
}
