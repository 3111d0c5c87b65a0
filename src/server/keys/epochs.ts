import type { Kysely } from 'kysely';
import type { LocalKeyProvider, MasterVersionInfo } from '../platform/crypto/local-key-provider.ts';
import type { DB } from '../platform/db/schema.ts';

/**
 * Master-key epochs (docs/security.md): each master version wraps the data keys of its time. Once
 * rotation has moved every key off a retired version and the backup window has passed, the version
 * is destroyed: a backup from before, with a key shredded since, can then no longer be read, since
 * no key that wrapped it exists any more. A version that still wraps keys is never destroyed
 * (rotation is unfinished): the status says so instead. The window counts from the later of the
 * retirement and the moment the version was first seen wrapping no key (drainedAt): a rotation
 * resumed days later leaves backups of those days that still need the old version.
 */
export interface EpochStatus {
  readonly version: number;
  readonly state: 'current' | 'retired' | 'destroyed';
  readonly keys: number;
  readonly createdAt?: string | undefined;
  readonly retiredAt?: string | undefined;
  readonly drainedAt?: string | undefined;
  readonly destroyedAt?: string | undefined;
  /** When a retired version may be destroyed: the window after its retirement or its drain, whichever is later. */
  readonly destroyAfter?: string | undefined;
}

export interface KeyStatus {
  readonly provider: 'local' | 'aws-kms';
  readonly currentVersion: number;
  readonly epochs: readonly EpochStatus[];
  /** The oldest version still wrapping a data key: backups need it until rotation moves them. */
  readonly oldestLiveEpoch: number | null;
  readonly totalKeys: number;
  readonly keysByPurpose: Readonly<Record<string, number>>;
}

const DAY_MS = 86_400_000;

/** When a retired, drained version may go; undefined while it is current, still wraps keys, or is gone. */
function destroyAfter(v: MasterVersionInfo, windowDays: number): number | undefined {
  if (v.retiredAt === undefined || v.drainedAt === undefined || v.destroyedAt !== undefined) return undefined;
  return Math.max(Date.parse(v.retiredAt), Date.parse(v.drainedAt)) + windowDays * DAY_MS;
}

export async function keyCounts(
  db: Kysely<DB>,
): Promise<{ byVersion: Map<number, number>; byPurpose: Record<string, number> }> {
  const rows = await db
    .selectFrom('data_keys')
    .select(['master_version', 'purpose', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['master_version', 'purpose'])
    .execute();
  const byVersion = new Map<number, number>();
  const byPurpose: Record<string, number> = {};
  for (const r of rows) {
    byVersion.set(r.master_version, (byVersion.get(r.master_version) ?? 0) + Number(r.n));
    byPurpose[r.purpose] = (byPurpose[r.purpose] ?? 0) + Number(r.n);
  }
  return { byVersion, byPurpose };
}

export async function keyStatus(
  db: Kysely<DB>,
  provider: 'local' | 'aws-kms',
  currentVersion: number,
  versions: readonly MasterVersionInfo[],
  windowDays: number,
): Promise<KeyStatus> {
  const { byVersion, byPurpose } = await keyCounts(db);
  const known = new Set(versions.map((v) => v.version));
  const epochs: EpochStatus[] = versions.map((v) => ({
    version: v.version,
    state: v.destroyedAt !== undefined ? 'destroyed' : v.version === currentVersion ? 'current' : 'retired',
    keys: byVersion.get(v.version) ?? 0,
    createdAt: v.createdAt,
    retiredAt: v.retiredAt,
    drainedAt: v.drainedAt,
    destroyedAt: v.destroyedAt,
    destroyAfter: (() => {
      const at = destroyAfter(v, windowDays);
      return at === undefined ? undefined : new Date(at).toISOString();
    })(),
  }));
  // Keys under a version the provider does not list (e.g. a KMS key removed from the configuration).
  for (const [version, keys] of byVersion) {
    if (!known.has(version)) epochs.push({ version, state: 'destroyed', keys });
  }
  epochs.sort((a, b) => a.version - b.version);
  const live = epochs.filter((e) => e.keys > 0).map((e) => e.version);
  return {
    provider,
    currentVersion,
    epochs,
    oldestLiveEpoch: live.length === 0 ? null : Math.min(...live),
    totalKeys: [...byVersion.values()].reduce((a, b) => a + b, 0),
    keysByPurpose: byPurpose,
  };
}

export interface Destruction {
  readonly destroyed: readonly number[];
  /** Retired versions past the window that still wrap keys: run `npm run keys:rotate`. */
  readonly blocked: readonly { readonly version: number; readonly keys: number }[];
}

/**
 * Notes when each retired version was first seen wrapping no key, then destroys those whose backup
 * window has passed since. Run daily by the server and after every rotation.
 */
export async function destroyExpiredEpochs(
  db: Kysely<DB>,
  provider: LocalKeyProvider,
  windowDays: number,
  now: Date,
): Promise<Destruction> {
  const { byVersion } = await keyCounts(db);
  const destroyed: number[] = [];
  const blocked: { version: number; keys: number }[] = [];
  for (const v of provider.versions()) {
    if (v.retiredAt === undefined || v.destroyedAt !== undefined) continue;
    const keys = byVersion.get(v.version) ?? 0;
    if (keys > 0) {
      if (Date.parse(v.retiredAt) + windowDays * DAY_MS <= now.getTime()) blocked.push({ version: v.version, keys });
      continue;
    }
    if (v.drainedAt === undefined) {
      provider.markDrained(v.version, now);
      continue;
    }
    const at = destroyAfter(v, windowDays);
    if (at === undefined || at > now.getTime()) continue;
    provider.destroyVersion(v.version, now);
    destroyed.push(v.version);
  }
  return { destroyed, blocked };
}
