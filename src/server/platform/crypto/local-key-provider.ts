import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import {
  type EncryptionContext,
  encodeContext,
  type KeyProvider,
  KeyProviderError,
  type Rewrapped,
  type WrappedDataKey,
} from './key-provider.ts';
import {
  changeMasterFile,
  createMasterFile,
  type MasterFile,
  MasterFileError,
  type MasterVersionInfo,
  masterFileExists,
  readMasterFile,
} from './master-key-file.ts';

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

export { MasterFile, type MasterVersionInfo } from './master-key-file.ts';

export interface LocalKeyProviderOptions {
  /** The master key file, if not secrets/master-keys.json (e.g. TMA_MASTER_KEYS_FILE, a container secret). */
  readonly file?: string | undefined;
  /**
   * Make a first master key if the file does not exist. By default only for the default file of
   * the secrets directory: a file named in the configuration that is missing (a secret not
   * mounted) is an error, never a fresh key that the next restart would lose.
   */
  readonly create?: boolean;
  readonly now?: Date;
}

export class LocalKeyProvider implements KeyProvider {
  readonly name = 'local' as const;
  readonly file: string;
  #keys = new Map<number, Buffer>();
  #info: MasterVersionInfo[] = [];
  #current = 0;
  #stamp = '';
  #escrowed: readonly number[] = [];

  private constructor(file: string) {
    this.file = file;
    this.#load();
  }

  /** Opens the master key file, creating it with a first version if there is none and that is allowed. */
  static open(secretsDir: string, options: LocalKeyProviderOptions = {}): LocalKeyProvider {
    const file = options.file ?? path.join(secretsDir, MASTER_FILE);
    if (!masterFileExists(file)) {
      if (!(options.create ?? options.file === undefined)) {
        throw new MasterFileError(`there is no master key file at ${file} (restore it with npm run keys:recover)`);
      }
      createMasterFile(file, options.now ?? new Date());
    }
    return new LocalKeyProvider(file);
  }

  /** Reads the file if it changed since the last read: `keys:rotate` may have run beside a server. */
  #load(): void {
    const stat = statSync(this.file);
    const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    if (stamp === this.#stamp) return;
    const parsed = readMasterFile(this.file);
    this.#escrowed = parsed.escrow?.versions ?? [];
    const live = parsed.versions.filter((v) => v.key !== undefined);
    if (live.length === 0) throw new MasterFileError(`${this.file} holds no master key`);
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

  /** The live versions the last escrow export holds: the current one missing means the escrow is out of date. */
  escrowedVersions(): readonly number[] {
    this.#load();
    return this.#escrowed;
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
    let version = 0;
    this.#change((file) => {
      version = Math.max(...file.versions.map((v) => v.version)) + 1;
      for (const v of file.versions) if (v.retiredAt === undefined) v.retiredAt = now.toISOString();
      file.versions.push({ version, key: randomBytes(32).toString('base64'), createdAt: now.toISOString() });
    });
    return version;
  }

  /** Notes that a retired version wraps no data key any more: its backup window runs from now at the latest. */
  markDrained(version: number, now = new Date()): void {
    this.#change((file) => {
      for (const v of file.versions) {
        if (v.version === version && v.retiredAt !== undefined && v.drainedAt === undefined)
          v.drainedAt = now.toISOString();
      }
    });
  }

  /** Destroys a retired master version: data keys wrapped only under it are lost for good. */
  destroyVersion(version: number, now = new Date()): void {
    this.#change((file) => {
      const target = file.versions.find((v) => v.version === version);
      if (target === undefined || target.key === undefined) return;
      if (target.retiredAt === undefined) throw new MasterFileError('the current master version cannot be destroyed');
      delete target.key;
      target.destroyedAt = now.toISOString();
    });
  }

  /** Records an escrow export of the live versions (keys:escrow). */
  markEscrowed(versions: readonly number[], now = new Date()): void {
    this.#change((file) => {
      file.escrow = { at: now.toISOString(), versions: [...versions] };
    });
  }

  #change(change: (file: MasterFile) => void): void {
    changeMasterFile(this.file, change);
    this.#stamp = '';
    this.#load();
  }
}
