import { readFileSync } from 'node:fs';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../../contract/accounts.ts';

/**
 * NIST SP 800-63B: length is what counts. At least 15 characters (12 once MFA lands for the
 * account), at most 128, no composition rules, no forced rotation; refused are common and
 * breached passwords (a list shipped in the repository, see the NOTICE beside it), one
 * repeated word, runs of very few distinct characters, and the account's own e-mail or name.
 */
const COMMON = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean),
);

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'repetitive' | 'personal';

export interface PasswordContext {
  readonly email?: string;
  readonly displayName?: string;
  readonly minLength?: number;
}

export function checkPassword(password: string, context: PasswordContext = {}): PasswordProblem | undefined {
  const length = [...password].length;
  if (length < (context.minLength ?? PASSWORD_MIN)) return 'too_short';
  if (length > PASSWORD_MAX) return 'too_long';
  const folded = password.normalize('NFKC').toLowerCase();
  const compact = folded.replace(/\s+/g, '');
  if (COMMON.has(folded) || COMMON.has(compact)) return 'common';
  if (new Set(compact).size <= 3 || isRepeatedUnit(compact) || isSequence(compact)) return 'repetitive';
  const personal = [
    context.email,
    context.email?.split('@')[0],
    context.displayName?.toLowerCase().replace(/\s+/g, ''),
  ];
  if (
    personal.some(
      (p) => p !== undefined && p.length >= 4 && compact.includes(p.toLowerCase()) && compact.length - p.length < 6,
    )
  ) {
    return 'personal';
  }
  return undefined;
}

/** "123456789012345", "abcdefghijklmnop", "987654321098765": one step up or down throughout. */
function isSequence(s: string): boolean {
  const first = stepOf(s.charCodeAt(0), s.charCodeAt(1));
  if (first === 0) return false;
  for (let i = 2; i < s.length; i++) if (stepOf(s.charCodeAt(i - 1), s.charCodeAt(i)) !== first) return false;
  return true;
}

/** +1 or -1 between neighbouring characters ("9" to "0" counts as +1), else 0. */
function stepOf(a: number, b: number): number {
  const [zero, nine] = [48, 57];
  if (a === nine && b === zero) return 1;
  if (a === zero && b === nine) return -1;
  const d = b - a;
  return d === 1 || d === -1 ? d : 0;
}

/** "passwordpassword", "qwerty123qwerty123": one unit repeated, or a common password repeated. */
function isRepeatedUnit(s: string): boolean {
  for (let unit = 1; unit <= s.length / 2; unit++) {
    if (s.length % unit !== 0) continue;
    const piece = s.slice(0, unit);
    if (piece.repeat(s.length / unit) === s) return true;
  }
  return false;
}
