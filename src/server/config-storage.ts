import { realpathSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { RawConfig } from './config.ts';

/**
 * The configuration of where TMA keeps its keys and documents (config.ts reads the environment;
 * this checks and shapes these parts of it). See docs/security.md and docs/documents.md.
 */
/** Where the master keys are (docs/security.md). */
export type KeysConfig = {
  /** Retired master versions are destroyed this many days after rotation: the backup-retention window. */
  readonly epochRetentionDays: number;
} & (
  | { readonly provider: 'local'; readonly masterKeysFile: string }
  | {
      readonly provider: 'aws-kms';
      readonly region: string;
      /** A VPC endpoint (or, in tests, the fake KMS); undefined: the region's public endpoint. */
      readonly endpoint: string | undefined;
      /** Master version -> KMS key id or ARN; the highest version wraps new keys. */
      readonly kmsKeys: ReadonlyMap<number, string>;
    }
);

/** Documents (docs/documents.md): where their encrypted blobs go, the upload limit, the virus scanner. */
export interface DocumentsConfig {
  readonly uploadLimitBytes: number;
  readonly store:
    | { readonly kind: 'local'; readonly directory: string }
    | {
        readonly kind: 's3';
        readonly bucket: string;
        readonly region: string;
        readonly endpoint: string | undefined;
        readonly forcePathStyle: boolean;
        readonly keyPrefix: string | undefined;
        readonly kmsKeyId: string | undefined;
      };
  /** clamd to scan every upload with (fail closed); undefined: no scanning. */
  readonly clamd:
    | ({ readonly timeoutMs: number } & (
        | { readonly host: string; readonly port: number }
        | { readonly socketPath: string }
      ))
    | undefined;
}

/**
 * The path with symbolic links of its existing part resolved: a secrets directory reached through a
 * link into the data directory is inside it, however it is spelled.
 */
function realPath(p: string): string {
  const rest: string[] = [];
  let existing = p;
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return p;
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}

/** Whether `inner` is `outer` or lies inside it, after resolving links. */
export function within(inner: string, outer: string): boolean {
  const a = realPath(inner);
  const b = realPath(outer);
  return a === b || a.startsWith(b + path.sep);
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export function documentsConfig(v: RawConfig, dataDir: string, problems: string[]): DocumentsConfig {
  let store: DocumentsConfig['store'] = { kind: 'local', directory: path.join(dataDir, 'documents') };
  if (v.TMA_BLOB_STORE === 's3') {
    if (v.TMA_S3_BUCKET === undefined || v.TMA_S3_REGION === undefined) {
      problems.push('TMA_BLOB_STORE=s3 needs TMA_S3_BUCKET and TMA_S3_REGION');
    }
    if (v.TMA_S3_ENDPOINT !== undefined) {
      const endpoint = new URL(v.TMA_S3_ENDPOINT);
      if (endpoint.protocol !== 'https:' && !isLoopbackHost(endpoint.hostname.replace(/^\[|\]$/g, ''))) {
        problems.push('TMA_S3_ENDPOINT must be https');
      }
    }
    store = {
      kind: 's3',
      bucket: v.TMA_S3_BUCKET ?? '',
      region: v.TMA_S3_REGION ?? '',
      endpoint: v.TMA_S3_ENDPOINT,
      forcePathStyle: v.TMA_S3_FORCE_PATH_STYLE === 'true',
      keyPrefix: v.TMA_S3_PREFIX,
      kmsKeyId: v.TMA_S3_KMS_KEY_ID,
    };
  }
  let clamd: DocumentsConfig['clamd'];
  if (v.TMA_CLAMD !== undefined) {
    const timeoutMs = v.TMA_CLAMD_TIMEOUT_MS;
    if (v.TMA_CLAMD.startsWith('unix:')) clamd = { socketPath: v.TMA_CLAMD.slice(5), timeoutMs };
    else {
      const at = v.TMA_CLAMD.lastIndexOf(':');
      const port = Number(v.TMA_CLAMD.slice(at + 1));
      if (port < 1 || port > 65535) problems.push('TMA_CLAMD: the port must be 1 to 65535');
      clamd = { host: v.TMA_CLAMD.slice(0, at).replace(/^\[|\]$/g, ''), port, timeoutMs };
    }
  }
  return { uploadLimitBytes: v.TMA_UPLOAD_LIMIT_BYTES, store, clamd };
}

export function keysConfig(
  v: RawConfig,
  env: NodeJS.ProcessEnv,
  cwd: string,
  secretsDir: string,
  dataDir: string,
  problems: string[],
): KeysConfig {
  const epochRetentionDays = v.TMA_KEY_EPOCH_RETENTION_DAYS;
  if (v.TMA_KEY_PROVIDER === 'local') {
    const masterKeysFile = path.resolve(cwd, v.TMA_MASTER_KEYS_FILE ?? path.join(secretsDir, 'master-keys.json'));
    if (within(masterKeysFile, dataDir)) {
      problems.push(
        'TMA_MASTER_KEYS_FILE must lie outside TMA_DATA_DIR, so that a copy of the data is not a copy of the keys',
      );
    }
    return { provider: 'local', masterKeysFile, epochRetentionDays };
  }
  const kmsKeys = new Map<number, string>();
  for (const entry of list(v.TMA_KMS_KEYS)) {
    const [version, keyId, ...rest] = entry.split('=').map((s) => s.trim());
    if (!/^[1-9]\d{0,5}$/.test(version ?? '') || !keyId || rest.length > 0 || kmsKeys.has(Number(version))) {
      problems.push(
        `TMA_KMS_KEYS: "${entry}" is not version=key-id (e.g. 1=arn:aws:kms:eu-central-1:111122223333:key/…)`,
      );
    } else kmsKeys.set(Number(version), keyId);
  }
  if (kmsKeys.size === 0)
    problems.push('TMA_KEY_PROVIDER=aws-kms needs TMA_KMS_KEYS (version=key-id, comma-separated)');
  if (v.TMA_KMS_REGION === undefined) problems.push('TMA_KEY_PROVIDER=aws-kms needs TMA_KMS_REGION');
  if (v.TMA_MASTER_KEYS_FILE !== undefined) problems.push('TMA_MASTER_KEYS_FILE is for the local key provider only');
  // KMS answers carry clear data keys: never over plain http, except to a local endpoint (tests).
  if (v.TMA_KMS_ENDPOINT !== undefined) {
    const endpoint = new URL(v.TMA_KMS_ENDPOINT);
    if (endpoint.protocol !== 'https:' && !isLoopbackHost(endpoint.hostname.replace(/^\[|\]$/g, ''))) {
      problems.push('TMA_KMS_ENDPOINT must be https (KMS answers carry clear data keys)');
    }
  }
  for (const name of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_KMS']) {
    if (env[name] !== undefined) problems.push(`${name} is set: give the KMS endpoint as TMA_KMS_ENDPOINT instead`);
  }
  return {
    provider: 'aws-kms',
    region: v.TMA_KMS_REGION ?? '',
    endpoint: v.TMA_KMS_ENDPOINT,
    kmsKeys,
    epochRetentionDays,
  };
}

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
