import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

/**
 * Signed checkpoints of the chain head. The Ed25519 signing key lives in the secrets directory
 * (or TMA_AUDIT_SIGNING_KEY_FILE), never in the database; each checkpoint goes to the database,
 * to a JSON-lines file in TMA_AUDIT_DIR and to the log stream. Someone who kept an earlier
 * checkpoint can tell a truncated or wholesale recomputed chain: the database alone cannot forge
 * a signature for a chain head it made up.
 */
export interface Checkpoint {
  readonly seq: string;
  readonly hash: string;
  /** ISO 8601 UTC */
  readonly at: string;
  readonly keyId: string;
  /** base64 Ed25519 signature over signedText() */
  readonly signature: string;
}

export const CHECKPOINT_FILE = 'checkpoints.jsonl';
export const PUBLIC_KEY_FILE = 'audit-signing-key.pub.pem';

export function signedText(c: Pick<Checkpoint, 'seq' | 'hash' | 'at'>): string {
  return `tma-audit-checkpoint/1\n${c.seq}\n${c.hash}\n${c.at}`;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export interface CheckpointSigner {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  sign(c: Pick<Checkpoint, 'seq' | 'hash' | 'at'>): Checkpoint;
  /** base64 signature of a statement; every kind of statement starts with its own prefix (tma-audit-…/1). */
  signText(text: string): string;
}

/** Loads the signing key, creating it (mode 0600) on first start; publishes the public key beside the checkpoints. */
export function loadSigner(keyFile: string, auditDir: string): CheckpointSigner {
  if (!existsSync(keyFile)) {
    mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  const privateKey = createPrivateKey(readFileSync(keyFile));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${keyFile} is not an Ed25519 private key`);
  const publicKey = createPublicKey(privateKey);
  mkdirSync(auditDir, { recursive: true, mode: 0o700 });
  const pub = path.join(auditDir, PUBLIC_KEY_FILE);
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  if (!existsSync(pub) || readFileSync(pub, 'utf8') !== pem) writeFileSync(pub, pem, { mode: 0o644 });
  const keyId = keyIdOf(publicKey);
  const signText = (text: string) => sign(null, Buffer.from(text), privateKey).toString('base64');
  return {
    keyId,
    publicKey,
    signText,
    sign: (c) => ({ seq: c.seq, hash: c.hash, at: c.at, keyId, signature: signText(signedText(c)) }),
  };
}

export function loadPublicKey(file: string): KeyObject {
  const key = createPublicKey(readFileSync(file));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 public key`);
  return key;
}

export function signatureValid(publicKey: KeyObject, c: Checkpoint): boolean {
  try {
    return verify(null, Buffer.from(signedText(c)), publicKey, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

export function appendCheckpointFile(auditDir: string, c: Checkpoint): void {
  mkdirSync(auditDir, { recursive: true, mode: 0o700 });
  appendFileSync(path.join(auditDir, CHECKPOINT_FILE), `${JSON.stringify(c)}\n`, { mode: 0o644 });
}

/** The checkpoints of a JSON-lines file; a line that is not a checkpoint is reported, not skipped silently. */
export function readCheckpointFile(file: string): { checkpoints: Checkpoint[]; badLines: number[] } {
  if (!existsSync(file)) return { checkpoints: [], badLines: [] };
  const checkpoints: Checkpoint[] = [];
  const badLines: number[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const c = JSON.parse(line) as Partial<Checkpoint>;
        if (
          typeof c.seq === 'string' &&
          typeof c.hash === 'string' &&
          typeof c.at === 'string' &&
          typeof c.keyId === 'string' &&
          typeof c.signature === 'string'
        ) {
          checkpoints.push({ seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId, signature: c.signature });
        } else badLines.push(i + 1);
      } catch {
        badLines.push(i + 1);
      }
    });
  return { checkpoints, badLines };
}

export const checkpointsRepository = {
  /** False when a checkpoint for that seq was stored already. */
  async insert(db: Kysely<DB>, c: Checkpoint): Promise<boolean> {
    const row = await db
      .insertInto('audit_checkpoints')
      .values({ seq: c.seq, hash: c.hash, at: new Date(c.at), key_id: c.keyId, signature: c.signature })
      .onConflict((oc) => oc.column('seq').doNothing())
      .returning('seq')
      .executeTakeFirst();
    return row !== undefined;
  },
  /** The newest checkpoint at or below maxSeq that carries a valid signature of the key. */
  async latestValid(db: Kysely<DB>, publicKey: KeyObject, maxSeq: string): Promise<Checkpoint | undefined> {
    const rows = await db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where(sql<boolean>`seq <= ${maxSeq}::bigint`)
      .orderBy('seq', 'desc')
      .limit(20)
      .execute();
    return rows.map(fromRow).find((c) => signatureValid(publicKey, c));
  },
  async all(db: Kysely<DB>): Promise<Checkpoint[]> {
    return (await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute()).map(fromRow);
  },
};

function fromRow(row: { seq: string; hash: string; at: Date; key_id: string; signature: string }): Checkpoint {
  return { seq: row.seq, hash: row.hash, at: row.at.toISOString(), keyId: row.key_id, signature: row.signature };
}
