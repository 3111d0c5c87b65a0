import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { type Role, Role as RoleSchema } from '../contract/accounts.ts';
import { INTAKE_VARIABLES, type IntakeConfig, intakeConfig } from './config-intake.ts';
import {
  type DocumentsConfig,
  documentsConfig,
  isLoopbackHost,
  type KeysConfig,
  keysConfig,
  within,
} from './config-storage.ts';
import { int } from './config-values.ts';

export type { IntakeConfig } from './config-intake.ts';
export { type DocumentsConfig, isLoopbackHost, type KeysConfig } from './config-storage.ts';

/**
 * The one typed configuration of the server. Every variable is prefixed TMA_ except the
 * conventional DATABASE_URL and PORT. Secrets may also be given as NAME_FILE (container secrets).
 */
export interface Config {
  readonly env: 'production' | 'development' | 'test';
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly secretsDir: string;
  readonly publicUrl: URL;
  readonly databaseUrl: string | undefined;
  readonly migrationDatabaseUrl: string | undefined;
  readonly dbPoolMax: number;
  readonly dbStatementTimeoutMs: number;
  readonly trustProxy: TrustProxy;
  readonly metricsToken: string | undefined;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly shutdownGraceMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  readonly bodyLimitBytes: number;
  readonly sessionIdleSeconds: number;
  readonly sessionAbsoluteSeconds: number;
  readonly stepUpSeconds: number;
  /** The longest an expert's case membership may run, in days. */
  readonly expertMaxDays: number;
  readonly audit: AuditConfig;
  /** Single sign-on with OpenID Connect; undefined: off. */
  readonly oidc: OidcConfig | undefined;
  readonly keys: KeysConfig;
  readonly documents: DocumentsConfig;
  readonly intake: IntakeConfig;
}

export interface OidcConfig {
  /** https only: openid-client refuses plain-http issuers, and there is no switch. */
  readonly issuer: URL;
  readonly clientId: string;
  readonly clientSecret: string;
  /** PEM certificates the provider's TLS certificate must chain to, instead of the public roots. */
  readonly caFile: string | undefined;
  /** The sign-in button's words, e.g. "Contoso account". */
  readonly label: string;
  readonly scopes: string;
  /** The claim that lists a user's entitlements (e.g. groups), and which of its values mean which role. */
  readonly roleClaim: string | undefined;
  readonly roleMap: ReadonlyMap<string, Role>;
  /** Create an account (a reporter) at the first sign-in of an unknown subject. */
  readonly jitReporters: boolean;
  /** acr or amr values that count as multi-factor authentication at the provider. */
  readonly mfaAcrValues: readonly string[];
  readonly mfaAmrValues: readonly string[];
}

export interface AuditConfig {
  /** Checkpoint file and public key; outside the data directory (a copy of the data must not carry them). */
  readonly dir: string;
  /** The Ed25519 key that signs checkpoints: never in the database. */
  readonly signingKeyFile: string;
  readonly chainIntervalMs: number;
  readonly checkpointMinutes: number;
  /** Delete audit events older than this many days (cut at a checkpoint); undefined: keep all. */
  readonly retentionDays: number | undefined;
}

/** false: trust no proxy; a number: that many hops; a list: those addresses or CIDR ranges. */
export type TrustProxy = false | number | readonly string[];

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Variables that hold secrets: accepted as NAME or NAME_FILE, never echoed in errors. */
const SECRET_VARS = [
  'DATABASE_URL',
  'TMA_MIGRATION_DATABASE_URL',
  'TMA_METRICS_TOKEN',
  'TMA_OIDC_CLIENT_SECRET',
] as const;

const postgresUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'postgres:' || u.protocol === 'postgresql:';
  } catch {
    return false;
  }
}, 'must be a postgres:// URL');

const schema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  TMA_HOST: z.string().min(1).default('127.0.0.1'),
  TMA_PORT: int(0, 65535).optional(),
  PORT: int(0, 65535).optional(),
  TMA_DATA_DIR: z.string().min(1).default('./data'),
  TMA_SECRETS_DIR: z.string().min(1).default('./secrets'),
  TMA_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('http://localhost:3000'),
  DATABASE_URL: postgresUrl.optional(),
  TMA_MIGRATION_DATABASE_URL: postgresUrl.optional(),
  TMA_DB_POOL_MAX: int(1, 200).default(10),
  TMA_DB_STATEMENT_TIMEOUT_MS: int(100, 600_000).default(15_000),
  TMA_TRUST_PROXY: z.string().optional(),
  TMA_METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  TMA_TLS_CERT_FILE: z.string().min(1).optional(),
  TMA_TLS_KEY_FILE: z.string().min(1).optional(),
  TMA_SHUTDOWN_GRACE_MS: int(0, 600_000).default(25_000),
  TMA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  TMA_BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  TMA_SESSION_IDLE_SECONDS: int(1, 24 * 3600).default(30 * 60),
  TMA_SESSION_ABSOLUTE_SECONDS: int(60, 7 * 24 * 3600).default(12 * 3600),
  TMA_STEP_UP_SECONDS: int(1, 3600).default(5 * 60),
  TMA_EXPERT_MEMBERSHIP_MAX_DAYS: int(1, 365).default(90),
  ...INTAKE_VARIABLES,
  TMA_AUDIT_DIR: z.string().min(1).default('./audit'),
  TMA_AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
  TMA_AUDIT_CHAIN_INTERVAL_MS: int(50, 60_000).default(500),
  TMA_AUDIT_CHECKPOINT_MINUTES: int(1, 24 * 60).default(15),
  TMA_AUDIT_RETENTION_DAYS: int(1, 36_500).optional(),
  TMA_KEY_PROVIDER: z.enum(['local', 'aws-kms']).default('local'),
  TMA_MASTER_KEYS_FILE: z.string().min(1).optional(),
  TMA_KEY_EPOCH_RETENTION_DAYS: int(1, 3650).default(35),
  TMA_KMS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-central-1')
    .optional(),
  TMA_KMS_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  TMA_KMS_KEYS: z.string().optional(),
  TMA_UPLOAD_LIMIT_BYTES: int(1, 64 * 1024 ** 3).default(100 * 1024 * 1024),
  TMA_BLOB_STORE: z.enum(['local', 's3']).default('local'),
  TMA_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  TMA_S3_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-central-1')
    .optional(),
  TMA_S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  TMA_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  TMA_S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9_-][A-Za-z0-9._-]*\/)+$/, 'must be path segments ending in /, e.g. tma/documents/')
    .optional(),
  TMA_S3_KMS_KEY_ID: z.string().min(1).optional(),
  TMA_CLAMD: z
    .string()
    .regex(
      /^(unix:\/.+|[A-Za-z0-9.-]+:\d{1,5}|\[[0-9a-fA-F:]+\]:\d{1,5})$/,
      'must be host:port or unix:/path/to/socket',
    )
    .optional(),
  TMA_CLAMD_TIMEOUT_MS: int(1000, 3_600_000).default(120_000),
  TMA_OIDC_ISSUER: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
  TMA_OIDC_CLIENT_ID: z.string().min(1).optional(),
  TMA_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  TMA_OIDC_CA_FILE: z.string().min(1).optional(),
  TMA_OIDC_LABEL: z.string().min(1).max(60).default('Single sign-on'),
  TMA_OIDC_SCOPES: z
    .string()
    .regex(/^openid( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'must start with openid')
    .default('openid email profile'),
  TMA_OIDC_ROLE_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_:.\-/]{1,100}$/, 'must be a claim name')
    .optional(),
  TMA_OIDC_ROLE_MAP: z.string().optional(),
  TMA_OIDC_JIT_PROVISIONING: z.enum(['off', 'reporter']).default('off'),
  TMA_OIDC_MFA_ACR_VALUES: z.string().optional(),
  TMA_OIDC_MFA_AMR_VALUES: z.string().optional(),
});

/** Reads NAME_FILE into NAME for secret variables; both at once is an error. */
function resolveSecretFiles(env: NodeJS.ProcessEnv, problems: string[]): Record<string, string | undefined> {
  // An empty variable counts as unset (as in `DATABASE_URL= npm start`).
  const out: Record<string, string | undefined> = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  for (const name of SECRET_VARS) {
    const file = env[`${name}_FILE`];
    if (file === undefined) continue;
    if (env[name] !== undefined) {
      problems.push(`${name} and ${name}_FILE are both set; set only one`);
      continue;
    }
    try {
      out[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      problems.push(`${name}_FILE: cannot read ${file} (${code})`);
    }
  }
  return out;
}

export function parseTrustProxy(raw: string | undefined): TrustProxy | { error: string } {
  if (raw === undefined || raw.trim() === '' || raw === 'false') return false;
  if (/^\d{1,2}$/.test(raw.trim())) {
    const hops = Number(raw.trim());
    return hops === 0 ? false : hops;
  }
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 4 ? 32 : 128;
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !bitsOk || rest.length > 0) {
      return { error: `"${entry}" is neither an IP address nor a CIDR range` };
    }
  }
  return entries;
}

export type RawConfig = z.infer<typeof schema>;

/** Parses and checks the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const resolved = resolveSecretFiles(env, problems);
  const parsed = schema.safeParse(resolved);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'environment');
      // Zod messages never include the rejected value, so secrets cannot leak from here.
      problems.push(`${name}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const v = parsed.data;

  const trustProxy = parseTrustProxy(v.TMA_TRUST_PROXY);
  if (typeof trustProxy === 'object' && 'error' in trustProxy) {
    problems.push(`TMA_TRUST_PROXY: ${trustProxy.error}; give a hop count or comma-separated addresses/CIDR ranges`);
  }
  if ((v.TMA_TLS_CERT_FILE === undefined) !== (v.TMA_TLS_KEY_FILE === undefined)) {
    problems.push('TMA_TLS_CERT_FILE and TMA_TLS_KEY_FILE must be set together');
  }
  if (v.TMA_MIGRATION_DATABASE_URL !== undefined && v.DATABASE_URL === undefined) {
    problems.push('TMA_MIGRATION_DATABASE_URL is set but DATABASE_URL is not');
  }
  const tls =
    v.TMA_TLS_CERT_FILE !== undefined && v.TMA_TLS_KEY_FILE !== undefined
      ? { certFile: v.TMA_TLS_CERT_FILE, keyFile: v.TMA_TLS_KEY_FILE }
      : undefined;
  const proxy: TrustProxy = typeof trustProxy === 'object' && 'error' in trustProxy ? false : trustProxy;
  if (!isLoopbackHost(v.TMA_HOST) && tls === undefined && proxy === false) {
    problems.push(
      `TMA_HOST: refusing to listen on ${v.TMA_HOST} without TLS; set TMA_TLS_CERT_FILE and TMA_TLS_KEY_FILE, or TMA_TRUST_PROXY to the TLS-terminating proxy`,
    );
  }
  const dataDir = path.resolve(cwd, v.TMA_DATA_DIR);
  const secretsDir = path.resolve(cwd, v.TMA_SECRETS_DIR);
  if (within(secretsDir, dataDir)) {
    problems.push(
      'TMA_SECRETS_DIR must lie outside TMA_DATA_DIR, so that a copy of the data is not a copy of the keys',
    );
  }
  const auditDir = path.resolve(cwd, v.TMA_AUDIT_DIR);
  if (within(auditDir, dataDir)) {
    problems.push(
      'TMA_AUDIT_DIR must lie outside TMA_DATA_DIR: its checkpoints are what a tampered or restored database is checked against',
    );
  }
  const oidc = oidcConfig(v, cwd, problems);
  const keys = keysConfig(v, env, cwd, secretsDir, dataDir, problems);
  const documents = documentsConfig(v, dataDir, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: v.NODE_ENV,
    host: v.TMA_HOST,
    port: v.TMA_PORT ?? v.PORT ?? 3000,
    dataDir,
    secretsDir,
    publicUrl: new URL(v.TMA_PUBLIC_URL),
    databaseUrl: v.DATABASE_URL,
    migrationDatabaseUrl: v.TMA_MIGRATION_DATABASE_URL ?? v.DATABASE_URL,
    dbPoolMax: v.TMA_DB_POOL_MAX,
    dbStatementTimeoutMs: v.TMA_DB_STATEMENT_TIMEOUT_MS,
    trustProxy: proxy,
    metricsToken: v.TMA_METRICS_TOKEN,
    tls,
    shutdownGraceMs: v.TMA_SHUTDOWN_GRACE_MS,
    logLevel: v.TMA_LOG_LEVEL,
    bodyLimitBytes: v.TMA_BODY_LIMIT_BYTES,
    sessionIdleSeconds: v.TMA_SESSION_IDLE_SECONDS,
    sessionAbsoluteSeconds: v.TMA_SESSION_ABSOLUTE_SECONDS,
    stepUpSeconds: v.TMA_STEP_UP_SECONDS,
    expertMaxDays: v.TMA_EXPERT_MEMBERSHIP_MAX_DAYS,
    audit: {
      dir: auditDir,
      signingKeyFile: path.resolve(cwd, v.TMA_AUDIT_SIGNING_KEY_FILE ?? path.join(secretsDir, 'audit-signing-key.pem')),
      chainIntervalMs: v.TMA_AUDIT_CHAIN_INTERVAL_MS,
      checkpointMinutes: v.TMA_AUDIT_CHECKPOINT_MINUTES,
      retentionDays: v.TMA_AUDIT_RETENTION_DAYS,
    },
    oidc,
    keys,
    documents,
    intake: intakeConfig(v),
  };
}

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function oidcConfig(v: z.infer<typeof schema>, cwd: string, problems: string[]): OidcConfig | undefined {
  const required = [v.TMA_OIDC_ISSUER, v.TMA_OIDC_CLIENT_ID, v.TMA_OIDC_CLIENT_SECRET];
  if (required.every((x) => x === undefined)) return undefined;
  if (v.TMA_OIDC_ISSUER === undefined || v.TMA_OIDC_CLIENT_ID === undefined || v.TMA_OIDC_CLIENT_SECRET === undefined) {
    problems.push('TMA_OIDC_ISSUER, TMA_OIDC_CLIENT_ID and TMA_OIDC_CLIENT_SECRET must be set together');
    return undefined;
  }
  const roleMap = new Map<string, Role>();
  for (const entry of list(v.TMA_OIDC_ROLE_MAP)) {
    const [value, role, ...rest] = entry.split('=').map((s) => s.trim());
    const parsed = RoleSchema.safeParse(role);
    if (!value || !parsed.success || rest.length > 0) {
      problems.push(`TMA_OIDC_ROLE_MAP: "${entry}" is not claim-value=role (roles: ${RoleSchema.options.join(', ')})`);
    } else roleMap.set(value, parsed.data);
  }
  if (roleMap.size > 0 && v.TMA_OIDC_ROLE_CLAIM === undefined) {
    problems.push('TMA_OIDC_ROLE_MAP is set but TMA_OIDC_ROLE_CLAIM is not');
  }
  return {
    issuer: new URL(v.TMA_OIDC_ISSUER),
    clientId: v.TMA_OIDC_CLIENT_ID,
    clientSecret: v.TMA_OIDC_CLIENT_SECRET,
    caFile: v.TMA_OIDC_CA_FILE === undefined ? undefined : path.resolve(cwd, v.TMA_OIDC_CA_FILE),
    label: v.TMA_OIDC_LABEL,
    scopes: v.TMA_OIDC_SCOPES,
    roleClaim: v.TMA_OIDC_ROLE_CLAIM,
    roleMap,
    jitReporters: v.TMA_OIDC_JIT_PROVISIONING === 'reporter',
    mfaAcrValues: list(v.TMA_OIDC_MFA_ACR_VALUES),
    mfaAmrValues: list(v.TMA_OIDC_MFA_AMR_VALUES),
  };
}
