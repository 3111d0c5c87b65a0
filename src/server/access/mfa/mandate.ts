import type { Role } from '../../../contract/accounts.ts';

/**
 * Every role but reporter must have a second factor: admins and auditors too, who see no case
 * content but hold the keys to accounts and to the record of what happened (SECURITY.md item 22).
 */
export function mfaRequired(role: Role): boolean {
  return role !== 'reporter';
}

/** Where a session stands with its second factor (see Actor.mfa). */
export function mfaState(
  role: Role,
  hasSecondFactor: boolean,
  mfaAt: Date | null,
): 'challenge' | 'enrol' | 'done' | 'none' {
  if (mfaAt !== null) return 'done';
  if (hasSecondFactor) return 'challenge';
  return mfaRequired(role) ? 'enrol' : 'none';
}
