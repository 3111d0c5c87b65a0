import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The local provider's master key file (docs/security.md): every version, live or destroyed, and
 * which versions the last escrow export holds. Written only whole, atomically and durably (a temp
 * file of its own, fsynced, then renamed or linked into place, then the directory fsynced), and
 * changed only under a lock file, so that a rotation and the server's destruction job never write
 * over each other's change, and a crash never leaves half a file or loses a version that data keys
 * in the database were already wrapped under.
 */
const Version = z.strictObject({
  version: z.number().int().positive(),
  key: z
    .base64()
    .refine((k) => Buffer.from(k, 'base64').length === 32, 'a master key is 32 bytes')
    .optional(),
  createdAt: z.iso.datetime(),
  /** When a newer version took over. */
  retiredAt: z.iso.datetime().optional(),
  /** When it was first seen wrapping no data key: its backup window counts from the later of the two. */
  drainedAt: z.iso.datetime().optional(),
  destroyedAt: z.iso.datetime().optional(),
});
export const MasterFile = z
  .strictObject({
    format: z.literal(1),
    versions: z.array(Version),
    /** The last escrow export (keys:escrow): when, and the live versions it holds. */
    escrow: z.strictObject({ at: z.iso.datetime(), versions: z.array(z.number().int().positive()) }).optional(),
  })
  .refine((f) => f.versions.every((v) => (v.key === undefined) === (v.destroyedAt !== undefined)), {
    message: 'a version holds its key until it is destroyed',
  })
  .refine((f) => new Set(f.versions.map((v) => v.version)).size === f.versions.length, {
    message: 'each version once',
  });
export type MasterFile = z.infer<typeof MasterFile>;
export type MasterVersionInfo = Readonly<Omit<z.infer<typeof Version>, 'key'>>;

export class MasterFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterFileError';
  }
}

export function readMasterFile(file: string): MasterFile {
  const stat = statSync(file);
  if ((stat.mode & 0o077) !== 0)
    throw new MasterFileError(`${file} may be read by others than its owner; chmod 600 it`);
  try {
    return MasterFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    throw new MasterFileError(`${file} is not a master key file of TMA (restore it from the escrow export)`);
  }
}

/** Writes text to a fresh temp file beside `file` (mode 0600, fsynced) and hands it to `place`; the temp is gone after. */
function viaTemp(file: string, text: string, place: (temp: string) => void): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    place(temp);
    syncDirectory(dir);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Makes the new name durable; some platforms cannot open a directory, and lose nothing but that. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported here (e.g. Windows): the rename or link itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const serialise = (data: MasterFile) => `${JSON.stringify(data, null, 2)}\n`;

/**
 * Writes a file that must not exist yet, whole or not at all: false when it exists (then it is
 * left as it was). On a file system without hard links, rename is still atomic; only the check
 * before it can race.
 */
export function writeNewFile(file: string, text: string): boolean {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let written = true;
  viaTemp(file, text, (temp) => {
    try {
      linkSync(temp, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') written = false;
      else if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
      else if (existsSync(file)) written = false;
      else renameSync(temp, file);
    }
  });
  return written;
}

/** The first master key, unless the file exists: two servers starting at once end up with one file. */
export function createMasterFile(file: string, now: Date): void {
  const first: MasterFile = {
    format: 1,
    versions: [{ version: 1, key: randomBytes(32).toString('base64'), createdAt: now.toISOString() }],
  };
  writeNewFile(file, serialise(first));
}

const LOCK_WAIT_MS = 10_000;

/** Read, change and write the file under its lock file; the change sees the file as it is now. */
export function changeMasterFile(file: string, change: (data: MasterFile) => void): MasterFile {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(lock, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (Date.now() > deadline) {
        throw new MasterFileError(
          `${lock} exists: another key command is changing the master keys (if none runs, remove the lock file)`,
        );
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    const data = readMasterFile(file);
    change(data);
    const checked = MasterFile.parse(data);
    try {
      viaTemp(file, serialise(checked), (temp) => renameSync(temp, file));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new MasterFileError(
        `cannot write ${file} (${code}); a master key file given as a read-only secret is rotated by replacing it`,
      );
    }
    return checked;
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

export const masterFileExists = (file: string) => existsSync(file);
