/**
 * A key provider wraps and unwraps data keys under master keys it alone holds (docs/security.md): the
 * local provider keeps them in the secrets directory, the AWS KMS provider in KMS. The database holds
 * data keys only wrapped, with the master version that wrapped them. The encryption context names
 * what a data key is for (e.g. `{ purpose: 'case', case: <id> }`): a wrapped key unwraps only with
 * the same context, so a wrapped key copied to another case is refused, and KMS's own trail shows
 * which case each unwrap was for.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

export interface WrappedDataKey {
  /** The clear data key: in memory only, never logged, never stored. */
  readonly key: Buffer;
  /** The data key wrapped under the master key, for the database. */
  readonly wrapped: Buffer;
  readonly masterVersion: number;
}

export interface Rewrapped {
  readonly wrapped: Buffer;
  readonly masterVersion: number;
}

export interface KeyProvider {
  readonly name: 'local' | 'aws-kms';
  /** The master version that wraps new data keys (rotation adds a higher one). */
  currentVersion(): number;
  /** A new random 256-bit data key, wrapped under the current master version. */
  generateDataKey(context: EncryptionContext): Promise<WrappedDataKey>;
  /** The clear data key of a wrapped one, if it was wrapped with this context under a master version still held. */
  unwrap(wrapped: Buffer, context: EncryptionContext): Promise<Buffer>;
  /**
   * Rotation: the same data key wrapped under the current master version, with `to` as its context
   * (the same as `from`, or another one when a report's key joins a case). KMS does this without
   * the clear key leaving it (ReEncrypt).
   */
  rewrap(wrapped: Buffer, from: EncryptionContext, to: EncryptionContext): Promise<Rewrapped>;
  /** The master version that wrapped a data key, read from its header without unwrapping it. */
  versionOf(wrapped: Buffer): number;
  /** Readiness: resolves when the provider can unwrap now (KMS reachable), rejects with a KeyProviderError otherwise. */
  check(): Promise<void>;
}

export type KeyProblem = 'malformed' | 'unknown_master_version' | 'tampered' | 'unavailable';

/** Why a data key could not be unwrapped; says nothing of the key. */
export class KeyProviderError extends Error {
  readonly problem: KeyProblem;
  constructor(problem: KeyProblem, detail?: string) {
    super(`data key cannot be unwrapped: ${problem}${detail === undefined ? '' : ` (${detail})`}`);
    this.name = 'KeyProviderError';
    this.problem = problem;
  }
}

/**
 * The context as bytes, the same whatever the order of its entries: sorted by name, each name and
 * value length-prefixed (no two contexts share an encoding).
 */
export function encodeContext(context: EncryptionContext): Buffer {
  const parts: Buffer[] = [];
  for (const name of Object.keys(context).sort()) {
    for (const text of [name, context[name] ?? '']) {
      const bytes = Buffer.from(text, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      parts.push(length, bytes);
    }
  }
  return Buffer.concat(parts);
}
