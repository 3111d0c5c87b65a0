import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  type EncryptionContext,
  encodeContext,
  type KeyProvider,
  KeyProviderError,
  type Rewrapped,
  type WrappedDataKey,
} from './key-provider.ts';

/**
 * The default key provider: master keys in a file of the secrets directory (outside the data
 * directory, so that a copy of the data is no copy of the keys), created on first start with mode
 * 0600. Master keys are versioned epochs: rotation adds a version and retires the one before;
 * destroying a retired version (after the backup window) makes every data key still wrapped only
 * under it unreadable, in every copy. A destroyed version stays listed, without its key, so that
 * `keys:status` can say when it went.
 *
 * Wrapped data key: master version (4 bytes) | nonce (12) | wrapped key (32) | tag (16), AES-256-GCM
 * with the version and the encoded encryption context as additional data.
 */
export const MASTER_FILE = 'master-keys.json';
const WRAPPED_BYTES = 4 + 12 + 32 + 16;

const Version = z.strictObject({
  version: z.number().int().positive(),
  key: z
    .base64()
    .refine((k) => Buffer.from(k, 'base64').length === 32, 'a master key is 32 bytes')
    .optional(),
  createdAt: z.iso.datetime(),
  /** When a newer version took over: the start of this epoch's backup window. */
  retiredAt: z.iso.datetime().optional(),
  destroyedAt: z.iso.datetime().optional(),
});
export const MasterFile = z
  .strictObject({ format: z.literal(1), versions: z.array(Version) })
  .refine((f) => f.versions.every((v) => (v.key === undefined) === (v.destroyedAt !== undefined)), {
    message: 'a version holds its key until it is destroyed',
  });
export type MasterFile = z.infer<typeof MasterFile>;
export type MasterVersionInfo = Readonly<Omit<z.infer<typeof Version>, 'key'>>;

export interface LocalKeyProviderOptions {
  /** The master key file, if not secrets/master-keys.json (e.g. TMA_MASTER_KEYS_FILE, a container secret). */
  readonly file?: string | undefined;
  readonly now?: Date;
}

export class LocalKeyProvider implements KeyProvider {
  readonly name = 'local' as const;
  readonly file: string;
  #keys = new Map<number, Buffer>();
  #info: MasterVersionInfo[] = [];
  #current = 0;
  #stamp = '';

  private constructor(file: string) {
    this.file = file;
    this.#load();
  }

  /** Opens the master key file, creating it with a first version if there is none. */
  static open(secretsDir: string, options: LocalKeyProviderOptions = {}): LocalKeyProvider {
    const file = options.file ?? path.join(secretsDir, MASTER_FILE);
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const first: MasterFile = {
        format: 1,
        versions: [
          {
            version: 1,
            key: randomBytes(32).toString('base64'),
            createdAt: (options.now ?? new Date()).toISOString(),
          },
        ],
      };
      // wx: two servers starting at once cannot both write a first key; the loser reads the winner's.
      try {
        writeFileSync(file, `${JSON.stringify(first, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    return new LocalKeyProvider(file);
  }

  /** Reads the file if it changed since the last read: `keys:rotate` may have run beside a server. */
  #load(): void {
    const stat = statSync(this.file);
    const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    if (stamp === this.#stamp) return;
    if ((stat.mode & 0o077) !== 0) throw new Error(`${this.file} may be read by others than its owner; chmod 600 it`);
    let parsed: MasterFile;
    try {
      parsed = MasterFile.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch {
      throw new Error(`${this.file} is not a master key file of TMA (restore it from the escrow export)`);
    }
    const live = parsed.versions.filter((v) => v.key !== undefined);
    if (live.length === 0) throw new Error(`${this.file} holds no master key`);
    for (const old of this.#keys.values()) old.fill(0);
    this.#keys = new Map(live.map((v) => [v.version, Buffer.from(v.key ?? '', 'base64')]));
    this.#info = parsed.versions.map(({ key: _key, ...info }) => info).sort((a, b) => a.version - b.version);
    this.#current = Math.max(...live.map((v) => v.version));
    this.#stamp = stamp;
  }

  currentVersion(): number {
    this.#load();
    return this.#current;
  }

  /** Every version, live or destroyed, oldest first. */
  versions(): readonly MasterVersionInfo[] {
    this.#load();
    return this.#info;
  }

  async check(): Promise<void> {
    this.#load();
  }

  async generateDataKey(context: EncryptionContext): Promise<WrappedDataKey> {
    const key = randomBytes(32);
    return { key, ...this.#wrap(key, context) };
  }

  #wrap(key: Buffer, context: EncryptionContext): Rewrapped {
    this.#load();
    const master = this.#keys.get(this.#current);
    if (master === undefined || key.length !== 32) throw new TypeError('a data key is 32 bytes');
    const version = Buffer.alloc(4);
    version.writeUInt32BE(this.#current);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', master, nonce);
    cipher.setAAD(Buffer.concat([version, encodeContext(context)]));
    const wrapped = Buffer.concat([version, nonce, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
    return { wrapped, masterVersion: this.#current };
  }

  async unwrap(wrapped: Buffer, context: EncryptionContext): Promise<Buffer> {
    const version = this.versionOf(wrapped);
    let master = this.#keys.get(version);
    if (master === undefined) {
      this.#load();
      master = this.#keys.get(version);
    }
    if (master === undefined) throw new KeyProviderError('unknown_master_version', `version ${version}`);
    const decipher = createDecipheriv('aes-256-gcm', master, wrapped.subarray(4, 16));
    decipher.setAAD(Buffer.concat([wrapped.subarray(0, 4), encodeContext(context)]));
    decipher.setAuthTag(wrapped.subarray(48));
    const key = decipher.update(wrapped.subarray(16, 48));
    try {
      return Buffer.concat([key, decipher.final()]);
    } catch {
      throw new KeyProviderError('tampered');
    } finally {
      key.fill(0);
    }
  }

  async rewrap(wrapped: Buffer, from: EncryptionContext, to: EncryptionContext): Promise<Rewrapped> {
    const key = await this.unwrap(wrapped, from);
    try {
      return this.#wrap(key, to);
    } finally {
      key.fill(0);
    }
  }

  versionOf(wrapped: Buffer): number {
    if (wrapped.length !== WRAPPED_BYTES) throw new KeyProviderError('malformed');
    return wrapped.readUInt32BE(0);
  }

  /** Rotation: a new master version, which wraps every data key from now on; the one before is retired. */
  addVersion(now = new Date()): number {
    this.#load();
    const version = Math.max(...this.#info.map((v) => v.version)) + 1;
    this.#save((file) => {
      for (const v of file.versions) if (v.retiredAt === undefined) v.retiredAt = now.toISOString();
      file.versions.push({ version, key: randomBytes(32).toString('base64'), createdAt: now.toISOString() });
    });
    return version;
  }

  /** Destroys a retired master version: data keys wrapped only under it are lost for good. */
  destroyVersion(version: number, now = new Date()): void {
    if (version === this.currentVersion()) throw new Error('the current master version cannot be destroyed');
    this.#save((file) => {
      for (const v of file.versions) {
        if (v.version !== version || v.key === undefined) continue;
        delete v.key;
        v.destroyedAt = now.toISOString();
      }
    });
  }

  /** Changes the file atomically (a crash leaves the old or the new file, never half of one). */
  #save(change: (file: MasterFile) => void): void {
    const data = MasterFile.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    change(data);
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600, flag: 'w' });
      renameSync(temp, this.file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(
        `cannot write ${this.file} (${code}); a master key file given as a read-only secret is rotated by replacing it`,
      );
    }
    this.#stamp = '';
    this.#load();
  }
}
