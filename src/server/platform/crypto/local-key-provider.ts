import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  type EncryptionContext,
  encodeContext,
  type KeyProvider,
  KeyProviderError,
  type WrappedDataKey,
} from './key-provider.ts';

/**
 * The default key provider: master keys in a file of the secrets directory (outside the data
 * directory, so that a copy of the data is no copy of the keys), created on first start with mode
 * 0600. Master keys are versioned: rotation adds a version, and destroying an old version (after
 * the backup window) makes every data key still wrapped only under it unreadable, in every copy.
 *
 * Wrapped data key: master version (4 bytes) | nonce (12) | wrapped key (32) | tag (16), AES-256-GCM
 * with the version and the encoded encryption context as additional data.
 */
const MASTER_FILE = 'master-keys.json';
const WRAPPED_BYTES = 4 + 12 + 32 + 16;

const MasterFile = z.strictObject({
  format: z.literal(1),
  versions: z.array(
    z.strictObject({
      version: z.number().int().positive(),
      key: z.base64().refine((k) => Buffer.from(k, 'base64').length === 32, 'a master key is 32 bytes'),
      createdAt: z.iso.datetime(),
    }),
  ),
});
type MasterFile = z.infer<typeof MasterFile>;

export class LocalKeyProvider implements KeyProvider {
  readonly name = 'local' as const;
  readonly file: string;
  #keys: Map<number, Buffer>;
  #current: number;

  private constructor(file: string, data: MasterFile) {
    this.file = file;
    this.#keys = new Map(data.versions.map((v) => [v.version, Buffer.from(v.key, 'base64')]));
    this.#current = Math.max(...data.versions.map((v) => v.version));
  }

  /** Opens the master key file of the secrets directory, creating it with a first version if there is none. */
  static open(secretsDir: string, now = new Date()): LocalKeyProvider {
    const file = path.join(secretsDir, MASTER_FILE);
    if (!existsSync(file)) {
      mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
      const first: MasterFile = {
        format: 1,
        versions: [{ version: 1, key: randomBytes(32).toString('base64'), createdAt: now.toISOString() }],
      };
      // wx: two servers starting at once cannot both write a first key; the loser reads the winner's.
      try {
        writeFileSync(file, `${JSON.stringify(first, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    if ((statSync(file).mode & 0o077) !== 0) {
      throw new Error(`${file} may be read by others than its owner; chmod 600 it`);
    }
    let parsed: MasterFile;
    try {
      parsed = MasterFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      throw new Error(`${file} is not a master key file of TMA (restore it from the escrow export)`);
    }
    if (parsed.versions.length === 0) throw new Error(`${file} holds no master key`);
    return new LocalKeyProvider(file, parsed);
  }

  get currentVersion(): number {
    return this.#current;
  }

  get versions(): number[] {
    return [...this.#keys.keys()].sort((a, b) => a - b);
  }

  async generateDataKey(context: EncryptionContext): Promise<WrappedDataKey> {
    const key = randomBytes(32);
    return { key, wrapped: this.wrap(key, context), masterVersion: this.#current };
  }

  /** Wraps a clear data key under the current master version (also used to re-wrap at rotation). */
  wrap(key: Buffer, context: EncryptionContext): Buffer {
    const master = this.#keys.get(this.#current);
    if (master === undefined || key.length !== 32) throw new TypeError('a data key is 32 bytes');
    const version = Buffer.alloc(4);
    version.writeUInt32BE(this.#current);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', master, nonce);
    cipher.setAAD(Buffer.concat([version, encodeContext(context)]));
    return Buffer.concat([version, nonce, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
  }

  async unwrap(wrapped: Buffer, context: EncryptionContext): Promise<Buffer> {
    if (wrapped.length !== WRAPPED_BYTES) throw new KeyProviderError('malformed');
    const version = wrapped.readUInt32BE(0);
    const master = this.#keys.get(version);
    if (master === undefined) throw new KeyProviderError('unknown_master_version', `version ${version}`);
    const decipher = createDecipheriv('aes-256-gcm', master, wrapped.subarray(4, 16));
    decipher.setAAD(Buffer.concat([wrapped.subarray(0, 4), encodeContext(context)]));
    decipher.setAuthTag(wrapped.subarray(48));
    const key = decipher.update(wrapped.subarray(16, 48));
    try {
      return Buffer.concat([key, decipher.final()]);
    } catch {
      key.fill(0);
      throw new KeyProviderError('tampered');
    }
  }

  /** The master version that wrapped a data key, without unwrapping it. */
  static versionOf(wrapped: Buffer): number {
    if (wrapped.length !== WRAPPED_BYTES) throw new KeyProviderError('malformed');
    return wrapped.readUInt32BE(0);
  }

  /** Rotation: a new master version, which wraps every data key from now on. */
  addVersion(now = new Date()): number {
    const version = this.#current + 1;
    this.#keys.set(version, randomBytes(32));
    this.#current = version;
    this.save(now);
    return version;
  }

  /** Destroys a master version that is no longer current: data keys wrapped only under it are lost for good. */
  destroyVersion(version: number, now = new Date()): void {
    if (version === this.#current) throw new Error('the current master version cannot be destroyed');
    const key = this.#keys.get(version);
    if (key === undefined) return;
    this.#keys.delete(version);
    this.save(now);
    key.fill(0);
  }

  /** Writes the file anew, atomically (a crash leaves the old or the new file, never half of one). */
  private save(now: Date): void {
    const previous = MasterFile.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    const createdAt = new Map(previous.versions.map((v) => [v.version, v.createdAt]));
    const data: MasterFile = {
      format: 1,
      versions: this.versions.map((version) => ({
        version,
        key: (this.#keys.get(version) ?? Buffer.alloc(0)).toString('base64'),
        createdAt: createdAt.get(version) ?? now.toISOString(),
      })),
    };
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600, flag: 'w' });
    renameSync(temp, this.file);
  }
}
