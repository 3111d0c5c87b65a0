import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import {
  EscrowError,
  openEscrow,
  PASSPHRASE_RULES,
  readPassphrase,
  recoverInto,
  sealEscrow,
} from '../platform/crypto/escrow.ts';
import { type KeyProvider, KeyProviderError } from '../platform/crypto/key-provider.ts';
import { KeyRing } from '../platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../platform/crypto/local-key-provider.ts';
import { MasterFileError } from '../platform/crypto/master-key-file.ts';
import { type Database, DatabaseUnavailableError, openEmbedded, openPostgres } from '../platform/db/database.ts';
import { DataDirLockedError } from '../platform/db/lockfile.ts';
import {
  type SearchKeyStatus,
  SearchKeys,
  SearchRotationPendingError,
  searchKeyStatus,
} from '../search/search-keys.ts';
import { destroyExpiredEpochs, type KeyStatus, keyStatus } from './epochs.ts';
import { openKeyProvider } from './provider.ts';
import { rewrapAll } from './rotation.ts';

/**
 * `npm run keys:<command>` (docs/security.md):
 *   keys:rotate [-- --new-version]  a new master version, every data key re-wrapped under it (resumes an unfinished rotation)
 *   keys:status [-- --json]    master versions, key counts, the oldest live epoch, the search key's generations
 *   keys:rotate-search         a new search key; the servers re-index the search tokens under it in the background
 *   keys:escrow -- --out FILE  the master keys sealed under a recovery passphrase, for offline storage
 *   keys:recover -- --in FILE  restores them into an empty secrets directory
 * On the embedded engine rotate and status take the data directory's lock: they refuse while a
 * server runs on it (stop it for the few seconds a rotation takes). Exit 0: done; 1: done with
 * problems (keys that could not be re-wrapped); 2: could not run.
 */
const USAGE = `usage: npm run keys:rotate [-- --new-version] | keys:status [-- --json] | keys:rotate-search | keys:escrow -- --out FILE | keys:recover -- --in FILE`;

class UsageError extends Error {}

async function openDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl === undefined) {
    if (!existsSync(path.join(config.dataDir, 'pg'))) throw new UsageError(`there is no database in ${config.dataDir}`);
    return openEmbedded({ dataDir: config.dataDir });
  }
  return openPostgres({ url: config.databaseUrl, poolMax: 2, statementTimeoutMs: 600_000, onPoolError: () => {} });
}

const tally = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${n} ${type}`)
    .join(', ') || 'none';

function describeSearch(generations: readonly SearchKeyStatus[]): string {
  const lines = generations.map((g) => {
    const state =
      g.state === 'retired'
        ? 'retired, rows left for the re-indexing'
        : `${g.state}, made ${g.createdAt ?? '?'}${g.state === 'current' && g.completedAt === null ? ', older generations being re-indexed' : ''}`;
    return `  generation ${g.generation}: ${state}; entries: ${tally(g.entries)}; person tokens: ${tally(g.personTokens)}`;
  });
  return `search key:\n${lines.join('\n')}\n`;
}

function describe(s: KeyStatus): string {
  const lines = [`key provider: ${s.provider}, current master version ${s.currentVersion}`];
  for (const e of s.epochs) {
    const when =
      e.state === 'destroyed'
        ? `destroyed ${e.destroyedAt ?? '(no longer configured)'}`
        : e.state === 'retired'
          ? `retired ${e.retiredAt ?? '?'}, destroyed after ${e.destroyAfter ?? '?'}`
          : `current since ${e.createdAt ?? '?'}`;
    lines.push(`  version ${e.version}: ${e.state}, wraps ${e.keys} data key(s); ${when}`);
  }
  const purposes = Object.entries(s.keysByPurpose)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, n]) => `${n} ${p}`)
    .join(', ');
  lines.push(`data keys: ${s.totalKeys}${purposes === '' ? '' : ` (${purposes})`}`);
  lines.push(`oldest live epoch: ${s.oldestLiveEpoch ?? 'none'}`);
  return `${lines.join('\n')}\n`;
}

/** A warning when the last escrow export does not hold the current master version: losing the file would lose everything. */
function escrowWarning(provider: KeyProvider): string {
  if (!(provider instanceof LocalKeyProvider)) return '';
  if (provider.escrowedVersions().includes(provider.currentVersion())) return '';
  return `WARNING: no escrow export holds master version ${provider.currentVersion()}; run npm run keys:escrow -- --out FILE\n`;
}

async function status(config: Config, json: boolean): Promise<number> {
  const provider = openKeyProvider(config.keys, config.secretsDir, { create: false });
  const versions =
    provider instanceof LocalKeyProvider
      ? provider.versions()
      : config.keys.provider === 'aws-kms'
        ? [...config.keys.kmsKeys.keys()].map((version) => ({ version, createdAt: '' }))
        : [];
  const database = await openDatabase(config);
  try {
    const s = await keyStatus(
      database.db,
      provider.name,
      provider.currentVersion(),
      versions,
      config.keys.epochRetentionDays,
    );
    const search = await searchKeyStatus(database.db);
    process.stdout.write(
      json ? `${JSON.stringify({ ...s, search }, null, 2)}\n` : `${describe(s)}${describeSearch(search)}`,
    );
    process.stderr.write(escrowWarning(provider));
    return 0;
  } finally {
    await database.close();
  }
}

async function rotate(config: Config, newVersion: boolean): Promise<number> {
  const provider = openKeyProvider(config.keys, config.secretsDir, { create: false });
  const database = await openDatabase(config);
  try {
    const pending = await database.db
      .selectFrom('data_keys')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('master_version', '<>', provider.currentVersion())
      .executeTakeFirstOrThrow();
    const resume = Number(pending.n) > 0;
    if (resume && !(newVersion && provider instanceof LocalKeyProvider)) {
      process.stdout.write(
        `resuming: ${pending.n} data key(s) are not yet under version ${provider.currentVersion()} (-- --new-version adds one anyway)\n`,
      );
    } else if (provider instanceof LocalKeyProvider) {
      process.stdout.write(`new master version ${provider.addVersion()}\n`);
    } else {
      process.stdout.write(
        'every data key is under the newest KMS key; to rotate, give every server a new KMS key in TMA_KMS_KEYS with a higher version first, then run this again\n',
      );
      return 0;
    }
    const started = performance.now();
    const result = await rewrapAll(database.db, provider, {
      onBatch: (p) =>
        process.stdout.write(`  re-wrapped ${p.rewrapped}${p.failed > 0 ? `, ${p.failed} failed` : ''}\n`),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `re-wrapped ${result.rewrapped} data key(s) under version ${result.masterVersion} in ${seconds} s\n`,
    );
    for (const f of result.failed.slice(0, 20)) process.stdout.write(`  cannot re-wrap key ${f.id}: ${f.problem}\n`);
    if (provider instanceof LocalKeyProvider) {
      const d = await destroyExpiredEpochs(database.db, provider, config.keys.epochRetentionDays, new Date());
      for (const v of d.destroyed)
        process.stdout.write(`destroyed master version ${v} (its backup window has passed)\n`);
    }
    process.stderr.write(escrowWarning(provider));
    return result.failed.length === 0 ? 0 : 1;
  } finally {
    await database.close();
  }
}

async function rotateSearch(config: Config): Promise<number> {
  const provider = openKeyProvider(config.keys, config.secretsDir, { create: false });
  const database = await openDatabase(config);
  try {
    const { generation } = await new SearchKeys(new KeyRing(provider, database.db)).rotate(database.db);
    process.stdout.write(
      `search key generation ${generation} is current: new search tokens are made with it now. The servers re-index the older tokens in the background (job search.reindex, every minute) and delete the older key when none is left; npm run keys:status shows the progress.\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

function localOnly(config: Config, command: string): string {
  if (config.keys.provider !== 'local') {
    throw new UsageError(`${command} is for the local key provider: with AWS KMS, the master keys never leave KMS`);
  }
  return config.keys.masterKeysFile;
}

async function escrow(config: Config, out: string | undefined): Promise<number> {
  const file = localOnly(config, 'keys:escrow');
  if (out === undefined) throw new UsageError('name the escrow file: npm run keys:escrow -- --out FILE');
  if (existsSync(out)) throw new UsageError(`${out} exists; choose a new file`);
  if (!existsSync(file)) throw new UsageError(`there is no master key file at ${file}`);
  process.stderr.write(
    `The recovery passphrase must meet these rules:\n${PASSPHRASE_RULES.map((r) => `  - ${r}`).join('\n')}\n`,
  );
  const passphrase = await readPassphrase({ confirm: true });
  const text = await sealEscrow(readFileSync(file, 'utf8'), passphrase);
  writeFileSync(out, text, { mode: 0o600, flag: 'wx' });
  const provider = LocalKeyProvider.open(config.secretsDir, { file, create: false });
  provider.markEscrowed(
    provider
      .versions()
      .filter((v) => v.destroyedAt === undefined)
      .map((v) => v.version),
  );
  process.stdout.write(
    `wrote ${out}: keep it offline, apart from the passphrase; it restores every master key of ${file}\n`,
  );
  return 0;
}

async function recover(config: Config, input: string | undefined): Promise<number> {
  const file = localOnly(config, 'keys:recover');
  if (input === undefined) throw new UsageError('name the escrow file: npm run keys:recover -- --in FILE');
  const text = readFileSync(input, 'utf8');
  const passphrase = await readPassphrase({});
  const written = recoverInto(config.secretsDir, await openEscrow(text, passphrase), { file });
  const versions = LocalKeyProvider.open(config.secretsDir, { file: written }).versions();
  const live = versions.filter((v) => v.destroyedAt === undefined).map((v) => v.version);
  process.stdout.write(`restored ${written}: master version(s) ${live.join(', ')}\n`);
  return 0;
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        'new-version': { type: 'boolean', default: false },
        out: { type: 'string' },
        in: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  try {
    parsed = parse();
  } catch {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  switch (parsed.positionals[0]) {
    case 'rotate':
      return rotate(config, parsed.values['new-version']);
    case 'status':
      return status(config, parsed.values.json);
    case 'rotate-search':
      return rotateSearch(config);
    case 'escrow':
      return escrow(config, parsed.values.out);
    case 'recover':
      return recover(config, parsed.values.in);
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  const clear =
    error instanceof ConfigError ||
    error instanceof DataDirLockedError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof EscrowError ||
    error instanceof KeyProviderError ||
    error instanceof MasterFileError ||
    error instanceof SearchRotationPendingError ||
    error instanceof UsageError;
  const hint =
    error instanceof DataDirLockedError
      ? ' (a running server holds the embedded database: stop it, run the command, start it again)'
      : error instanceof EscrowError && error.rules.length > 0
        ? `\n${error.rules.map((r) => `  - ${r}`).join('\n')}`
        : '';
  const message =
    clear || (error as NodeJS.ErrnoException).code !== undefined ? (error as Error).message : String(error);
  process.stderr.write(`tma: keys could not run: ${message}${hint}\n`);
  process.exitCode = 2;
}
