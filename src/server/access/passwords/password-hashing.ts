import { type Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * argon2id with explicit parameters (OWASP's minimum: 19 MiB, 2 passes). A stored hash made
 * with weaker parameters is replaced at the next successful sign-in (needsRehash).
 */
export const HASH_PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Algorithm.Argon2id; the package declares it as a const enum, which erasable TypeScript cannot import. */
const ARGON2ID = 2 as Algorithm;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, ...HASH_PARAMS });
}

export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  try {
    return await verify(encoded, password);
  } catch {
    return false;
  }
}

/** True when the hash is not argon2id or any of its parameters is below the current ones. */
export function needsRehash(encoded: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(encoded);
  if (!m) return true;
  return (
    Number(m[1]) < HASH_PARAMS.memoryCost ||
    Number(m[2]) < HASH_PARAMS.timeCost ||
    Number(m[3]) < HASH_PARAMS.parallelism
  );
}

let dummy: Promise<string> | undefined;

/**
 * For an unknown account the sign-in still verifies a password against a hash of the same
 * cost, so that "no such user" and "wrong password" take about the same time.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('an unreachable dummy password for timing');
  await verifyPassword(await dummy, password);
  return false;
}
