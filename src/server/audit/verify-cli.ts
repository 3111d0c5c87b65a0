import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AuditVerification } from '../../contract/audit.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { type Database, DatabaseUnavailableError, openEmbedded, openPostgres } from '../platform/db/database.ts';
import { DataDirLockedError } from '../platform/db/lockfile.ts';
import { CHECKPOINT_FILE, keyIdOf, loadPublicKey, PUBLIC_KEY_FILE, readCheckpointFile } from './checkpoints.ts';
import { readCutFile } from './retention.ts';
import { verifyTrail } from './verify.ts';

/**
 * `npm run audit:verify [-- --checkpoints FILE] [--public-key FILE] [--key-id ID] [--json]`: recomputes the
 * audit chain and checks it against the signed checkpoints (the database's and the checkpoint
 * file's, or a file exported from the log stream). Read-only: it chains nothing. On the embedded
 * engine it takes the data directory's lock, so it refuses while a server runs; auditors verify a
 * running server in the UI or with POST /api/audit/verify. --key-id pins the signing key (its
 * fingerprint, printed by every run): a public key swapped beside the checkpoints is refused.
 * Exit 0: intact; 1: broken; 2: could not run.
 */
const USAGE = 'usage: npm run audit:verify [-- --checkpoints FILE] [--public-key FILE] [--key-id ID] [--json]';

async function open(): Promise<{ database: Database; auditDir: string }> {
  const config = loadConfig();
  if (config.databaseUrl === undefined) {
    if (!existsSync(path.join(config.dataDir, 'pg'))) throw new Error(`there is no database in ${config.dataDir}`);
    return { database: await openEmbedded({ dataDir: config.dataDir }), auditDir: config.audit.dir };
  }
  const database = await openPostgres({
    url: config.databaseUrl,
    poolMax: 2,
    statementTimeoutMs: 600_000,
    onPoolError: () => {},
  });
  return { database, auditDir: config.audit.dir };
}

function describe(r: AuditVerification): string {
  const lines = [
    r.ok ? 'audit trail intact' : `audit trail BROKEN: ${r.problemCount} problem(s)`,
    r.chain.length === 0
      ? '  chain: no chained events yet'
      : `  chain: ${r.chain.length} links, ${r.chain.firstSeq} to ${r.chain.lastSeq}, head ${r.chain.headHash}`,
    r.checkpoints.latest === null
      ? `  checkpoints: ${r.checkpoints.checked} checked, none signed yet`
      : `  checkpoints: ${r.checkpoints.checked} checked, latest at ${r.checkpoints.latest.seq} signed ${r.checkpoints.latest.at}`,
    r.unchained.count === 0
      ? '  not yet chained: none'
      : `  not yet chained: ${r.unchained.count} event(s), the oldest from ${r.unchained.oldestAt} (${r.unchained.ageSeconds} s ago)`,
  ];
  r.problems.forEach((p, i) => {
    lines.push(`  ${i === 0 ? 'first break' : 'also'}: [${p.kind}] ${p.message}`);
  });
  if (r.problemCount > r.problems.length) lines.push(`  … and ${r.problemCount - r.problems.length} more`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      options: {
        checkpoints: { type: 'string' },
        'public-key': { type: 'string' },
        'key-id': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
  try {
    args = parse();
  } catch {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { database, auditDir } = await open();
  try {
    const cuts = readCutFile(auditDir);
    const file = readCheckpointFile(args.values.checkpoints ?? path.join(auditDir, CHECKPOINT_FILE));
    const keyFile = args.values['public-key'] ?? path.join(auditDir, PUBLIC_KEY_FILE);
    const publicKey = existsSync(keyFile) ? loadPublicKey(keyFile) : undefined;
    const keyId = publicKey && keyIdOf(publicKey);
    const pinned = args.values['key-id'];
    if (pinned !== undefined && pinned !== keyId) {
      process.stderr.write(`tma: the public key ${keyFile} is ${keyId ?? 'missing'}, not the audit key ${pinned}\n`);
      return 2;
    }
    const result = await verifyTrail(database.db, {
      publicKey,
      externalCheckpoints: file.checkpoints,
      unreadableLines: file.badLines,
      externalCuts: cuts.cuts,
      unreadableCutLines: cuts.badLines,
      now: new Date(),
    });
    process.stdout.write(
      args.values.json
        ? `${JSON.stringify({ ...result, keyId: keyId ?? null }, null, 2)}\n`
        : `${describe(result)}  audit key: ${keyId ?? `none (no ${keyFile})`}\n`,
    );
    return result.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  const clear =
    error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof DatabaseUnavailableError;
  const hint =
    error instanceof DataDirLockedError
      ? ' (a running server holds the embedded database: stop it, or verify in the audit viewer or with POST /api/audit/verify)'
      : '';
  process.stderr.write(`tma: audit:verify could not run: ${clear ? error.message : String(error)}${hint}\n`);
  process.exitCode = 2;
}
