import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  KMSClient,
  type KMSClientConfig,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import {
  type EncryptionContext,
  type KeyProblem,
  type KeyProvider,
  KeyProviderError,
  type Rewrapped,
  type WrappedDataKey,
} from './key-provider.ts';

/**
 * The key provider for deployments on AWS: master keys are KMS keys that never leave KMS, one per
 * master version; rotation adds a KMS key as a higher version. Every unwrap is a Decrypt call that
 * carries the encryption context, so CloudTrail shows which case each data key was opened for, and a
 * disabled or deleted KMS key makes its data keys unreadable in every copy of the database.
 *
 * Wrapped data key: master version (4 bytes, big endian) | KMS CiphertextBlob. The blob names its KMS
 * key too, but the version is what the database and `versionOf` go by, and Decrypt is given the
 * version's key id so that a blob under any other key is refused (IncorrectKeyException).
 *
 * There is no fallback: when KMS is unreachable every call rejects with 'unavailable' rather than hang a
 * request or serve anything in the clear. Bounded: the SDK's attempts, each limited to timeoutMs, and a
 * deadline over the whole call of maxAttempts × (timeoutMs + 1 s) for what those limits do not cover.
 */

/** The SDK's identity or provider; without one the SDK's default chain (environment, role, ...) applies. */
export type AwsKmsCredentials = NonNullable<KMSClientConfig['credentials']>;

export interface AwsKmsKeyProviderOptions {
  readonly region: string;
  /** A VPC endpoint, or a fake KMS in tests; otherwise the region's public KMS endpoint. */
  readonly endpoint?: string | undefined;
  /** Master version → KMS key id, ARN or alias ARN; the highest version wraps new data keys. */
  readonly keys: ReadonlyMap<number, string>;
  /** Per attempt, connecting and waiting for the answer; default 2000. */
  readonly timeoutMs?: number | undefined;
  /** Attempts per call, the first included; default 3. */
  readonly maxAttempts?: number | undefined;
  readonly credentials?: AwsKmsCredentials | undefined;
}

// The largest CiphertextBlob KMS returns is 6144 bytes; anything longer is not one of ours.
const MAX_BLOB_BYTES = 6144;
const DATA_KEY_BYTES = 32;
// Per attempt, room in the overall deadline for the SDK's backoff (throttling backs off from 1 s) and
// for its own timeouts to fire first: the deadline is a backstop, not the usual way a call ends.
const BACKOFF_ALLOWANCE_MS = 1000;

const TAMPERED = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);
const KEY_GONE = new Set(['NotFoundException', 'DisabledException', 'KMSInvalidStateException']);

export class AwsKmsKeyProvider implements KeyProvider {
  readonly name = 'aws-kms' as const;
  readonly #client: KMSClient;
  readonly #keys: ReadonlyMap<number, string>;
  readonly #current: number;
  readonly #deadlineMs: number;

  constructor(options: AwsKmsKeyProviderOptions) {
    const timeoutMs = options.timeoutMs ?? 2000;
    const maxAttempts = options.maxAttempts ?? 3;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new TypeError('timeoutMs is a positive integer');
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) {
      throw new TypeError('maxAttempts is an integer from 1 to 10');
    }
    if (options.keys.size === 0) throw new TypeError('at least one KMS key is needed');
    for (const [version, keyId] of options.keys) {
      if (!Number.isInteger(version) || version < 1 || version > 0xffffffff) {
        throw new TypeError(`master version ${version} is not a positive 32-bit integer`);
      }
      if (keyId.trim() === '') throw new TypeError(`master version ${version} has no KMS key id`);
    }
    // A copy: the caller's map changing later must not change which key wraps what.
    this.#keys = new Map(options.keys);
    this.#current = Math.max(...this.#keys.keys());
    this.#deadlineMs = maxAttempts * (timeoutMs + BACKOFF_ALLOWANCE_MS);
    this.#client = new KMSClient({
      region: options.region,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      maxAttempts,
      // Explicit, so the SDK neither reads them from the environment nor resolves 'auto' defaults
      // (which asks the instance metadata service); adaptive mode would add client-side waits.
      retryMode: 'standard',
      requestHandler: {
        connectionTimeout: timeoutMs,
        requestTimeout: timeoutMs,
        // Without it a request over requestTimeout is only logged as a warning and goes on waiting.
        throwOnRequestTimeout: true,
        // Bounds a stalled response body, which requestTimeout (up to the headers) does not.
        socketTimeout: timeoutMs,
      },
    });
  }

  currentVersion(): number {
    return this.#current;
  }

  versionOf(wrapped: Buffer): number {
    if (wrapped.length < 5 || wrapped.length > 4 + MAX_BLOB_BYTES) throw new KeyProviderError('malformed');
    return wrapped.readUInt32BE(0);
  }

  async generateDataKey(context: EncryptionContext): Promise<WrappedDataKey> {
    const version = this.#current;
    const keyId = this.#keyId(version);
    const out = await this.#send(`GenerateDataKey, master version ${version}`, (abortSignal) =>
      this.#client.send(
        new GenerateDataKeyCommand({
          KeyId: keyId,
          KeySpec: 'AES_256',
          EncryptionContext: { ...context },
        }),
        { abortSignal },
      ),
    );
    const key = takePlaintext(out.Plaintext);
    if (key === undefined || out.CiphertextBlob === undefined || out.CiphertextBlob.length === 0) {
      throw new KeyProviderError('unavailable', 'KMS returned no 256-bit data key');
    }
    return { key, wrapped: withVersion(version, out.CiphertextBlob), masterVersion: version };
  }

  async unwrap(wrapped: Buffer, context: EncryptionContext): Promise<Buffer> {
    const version = this.versionOf(wrapped);
    const keyId = this.#keyId(version);
    const out = await this.#send(`Decrypt, master version ${version}`, (abortSignal) =>
      this.#client.send(
        new DecryptCommand({ CiphertextBlob: wrapped.subarray(4), KeyId: keyId, EncryptionContext: { ...context } }),
        { abortSignal },
      ),
    );
    const key = takePlaintext(out.Plaintext);
    // A blob of ours under this context that holds no data key: something else was encrypted there.
    if (key === undefined) throw new KeyProviderError('malformed', 'not a 256-bit data key');
    return key;
  }

  async rewrap(wrapped: Buffer, from: EncryptionContext, to: EncryptionContext): Promise<Rewrapped> {
    const source = this.versionOf(wrapped);
    const sourceKeyId = this.#keyId(source);
    const version = this.#current;
    const keyId = this.#keyId(version);
    const out = await this.#send(`ReEncrypt, master version ${source} to ${version}`, (abortSignal) =>
      this.#client.send(
        new ReEncryptCommand({
          CiphertextBlob: wrapped.subarray(4),
          SourceKeyId: sourceKeyId,
          SourceEncryptionContext: { ...from },
          DestinationKeyId: keyId,
          DestinationEncryptionContext: { ...to },
        }),
        { abortSignal },
      ),
    );
    if (out.CiphertextBlob === undefined || out.CiphertextBlob.length === 0) {
      throw new KeyProviderError('unavailable', 'KMS returned no ciphertext');
    }
    return { wrapped: withVersion(version, out.CiphertextBlob), masterVersion: version };
  }

  async check(): Promise<void> {
    const version = this.#current;
    const keyId = this.#keyId(version);
    const out = await this.#send(`DescribeKey, master version ${version}`, (abortSignal) =>
      this.#client.send(new DescribeKeyCommand({ KeyId: keyId }), { abortSignal }),
    );
    // DescribeKey answers for a disabled key or one pending deletion too; neither can wrap or unwrap.
    const state = out.KeyMetadata?.KeyState;
    if (state !== 'Enabled' || out.KeyMetadata?.Enabled !== true) {
      throw new KeyProviderError('unknown_master_version', `master version ${version} is ${state ?? 'in no state'}`);
    }
  }

  /** Closes the client's pooled connections. */
  close(): void {
    this.#client.destroy();
  }

  #keyId(version: number): string {
    const keyId = this.#keys.get(version);
    if (keyId === undefined) throw new KeyProviderError('unknown_master_version', `version ${version}`);
    return keyId;
  }

  /**
   * One KMS call with an overall deadline over the SDK's attempts and backoff, its failure turned
   * into a KeyProviderError that names the call and the error type only: never the SDK's message or
   * the error itself as a cause, which carry the request and response.
   */
  async #send<T>(what: string, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const deadline = AbortSignal.timeout(this.#deadlineMs);
    try {
      return await call(deadline);
    } catch (e) {
      // Aborting mid-body surfaces as whatever the stream failed with (ECONNRESET), not as an AbortError.
      if (deadline.aborted) throw new KeyProviderError('unavailable', `${what}: deadline exceeded`);
      const { problem, reason } = classify(e);
      throw new KeyProviderError(problem, `${what}: ${reason}`);
    }
  }
}

function classify(error: unknown): { problem: KeyProblem; reason: string } {
  const name = errorName(error);
  if (TAMPERED.has(name)) return { problem: 'tampered', reason: name };
  if (KEY_GONE.has(name)) return { problem: 'unknown_master_version', reason: name };
  // Network errors (ECONNREFUSED, ...), throttling, 5xx, KMSInternalException, DependencyTimeoutException,
  // AccessDeniedException, a KMS key store that is down: KMS cannot answer for now, or not for us.
  const code = typeof error === 'object' && error !== null && 'code' in error ? safeName(error.code) : undefined;
  return { problem: 'unavailable', reason: code === undefined || code === name ? name : `${name} ${code}` };
}

function errorName(error: unknown): string {
  const name = typeof error === 'object' && error !== null && 'name' in error ? safeName(error.name) : undefined;
  return name ?? 'error';
}

/** Error names and codes only: a name that could be anything else is not repeated. */
function safeName(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(value) ? value : undefined;
}

function withVersion(version: number, blob: Uint8Array): Buffer {
  const wrapped = Buffer.alloc(4 + blob.length);
  wrapped.writeUInt32BE(version);
  wrapped.set(blob, 4);
  return wrapped;
}

/** The clear data key copied out of the SDK's array, which is zeroed whatever its length. */
function takePlaintext(plaintext: Uint8Array | undefined): Buffer | undefined {
  if (plaintext === undefined) return undefined;
  try {
    if (plaintext.length !== DATA_KEY_BYTES) return undefined;
    // Buffer.alloc, not Buffer.from: a copy of its own, not a slice of the shared pool.
    const key = Buffer.alloc(DATA_KEY_BYTES);
    key.set(plaintext);
    return key;
  } finally {
    plaintext.fill(0);
  }
}
