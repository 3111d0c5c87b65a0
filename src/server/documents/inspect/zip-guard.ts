import { Unzip, type UnzipFile, UnzipInflate, zipSync } from 'fflate';
import { fileTypeFromBuffer } from 'file-type';
import { type KindId, kindSpec } from './file-kind.ts';
import { type Refusal, RefusedError, refuse } from './refusal.ts';

export interface ZipLimits {
  /** Entries in the archive, nested packages included. */
  readonly maxEntries: number;
  /** Inflated bytes over all entries, nested packages included. */
  readonly maxTotalBytes: number;
  /** Inflated bytes per compressed byte read so far, checked once past ratioFloorBytes. */
  readonly maxRatio: number;
  readonly ratioFloorBytes: number;
}

/**
 * Real documents stay far below these: a large spreadsheet inflates 10–30×, and even a sparse one
 * rarely passes 100×; the floor spares small, very repetitive parts. A deflate stream inflates at
 * most about 1030× per byte, so the ratio trips within the first megabytes of a bomb.
 */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxTotalBytes: 1024 ** 3,
  maxRatio: 100,
  ratioFloorBytes: 16 * 1024 ** 2,
};

/** One entry's inflated bytes, in order; end() follows the last chunk. */
export interface EntrySink {
  data(chunk: Uint8Array): void;
  end(): void;
}

export interface ZipVisitor {
  /** Called as an entry's local header is read; undefined when its bytes are not wanted. */
  entry(name: string): EntrySink | undefined;
}

/**
 * fflate inflates synchronously inside push(), and one compressed byte can become about a
 * kilobyte, so compressed input goes in slices: a slice of 16 KiB inflates to at most ~17 MB at a
 * time, whatever chunk the caller hands over.
 */
const SLICE_BYTES = 16 * 1024;

/** Nested archives in OOXML live here: Word and PowerPoint keep a chart's workbook as an .xlsx. */
const EMBEDDED_PACKAGE = /^(word|xl|ppt)\/embeddings\/[^/]+$/;

const ARCHIVE_MAGIC: readonly (readonly [string, readonly number[]])[] = [
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['zip', [0x50, 0x4b, 0x05, 0x06]],
  ['zip', [0x50, 0x4b, 0x07, 0x08]],
  ['gzip', [0x1f, 0x8b]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['rar', [0x52, 0x61, 0x72, 0x21]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];
const MAGIC_BYTES = 8;
/** The end-of-central-directory record: 22 bytes and a comment of at most 65,535. */
const EOCD_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const EOCD_SEARCH_BYTES = 22 + 65_535;

interface Budget {
  input: number;
  output: number;
  entries: number;
}

/**
 * Walks a ZIP archive as its bytes arrive (fflate's streaming Unzip reads the local headers in
 * order), inflating every entry under the limits, and hands each entry's bytes to a visitor. It
 * refuses, and then ignores all further input, on: more entries or inflated bytes than allowed, a
 * compression ratio typical of bombs, an entry name that could escape a directory or is used
 * twice, a compression method other than stored and deflate, a corrupt or truncated stream, and an
 * archive inside the archive (except OOXML's embedded packages, walked themselves one level deep).
 */
export class ZipWalker {
  readonly #unzip: Unzip;
  readonly #visitor: ZipVisitor;
  readonly #limits: ZipLimits;
  readonly #budget: Budget;
  readonly #depth: number;
  readonly #names = new Set<string>();
  #open = 0;
  #seen = 0;
  #refusal: Refusal | undefined;
  #tail: Uint8Array = new Uint8Array(0);

  constructor(visitor: ZipVisitor, limits: ZipLimits = DEFAULT_ZIP_LIMITS, nested?: { budget: Budget }) {
    this.#visitor = visitor;
    this.#limits = limits;
    this.#budget = nested?.budget ?? { input: 0, output: 0, entries: 0 };
    this.#depth = nested === undefined ? 0 : 1;
    this.#unzip = new Unzip((file) => this.#onFile(file));
    this.#unzip.register(UnzipInflate);
  }

  get refusal(): Refusal | undefined {
    return this.#refusal;
  }

  get inflatedBytes(): number {
    return this.#budget.output;
  }

  get entries(): number {
    return this.#seen;
  }

  push(chunk: Uint8Array): void {
    this.#tail = lastBytes(this.#tail, chunk, EOCD_SEARCH_BYTES);
    for (let offset = 0; offset < chunk.length && this.#refusal === undefined; offset += SLICE_BYTES) {
      const slice = chunk.subarray(offset, offset + SLICE_BYTES);
      if (this.#depth === 0) this.#budget.input += slice.length;
      this.#guarded(() => this.#unzip.push(slice, false));
    }
  }

  /** The verdict once the last byte was pushed. */
  finish(): Refusal | undefined {
    if (this.#refusal === undefined) this.#guarded(() => this.#unzip.push(new Uint8Array(0), true));
    if (this.#refusal === undefined && this.#open > 0) this.#refusal = refuse('bad_archive', 'truncated');
    if (this.#refusal === undefined && this.#seen === 0) this.#refusal = refuse('bad_archive', 'no_entries');
    // Office opens an archive through its central directory; one cut off before it is broken
    // even when every entry read so far was whole.
    if (this.#refusal === undefined && !Buffer.from(this.#tail).includes(EOCD_SIGNATURE)) {
      this.#refusal = refuse('bad_archive', 'no_central_directory');
    }
    return this.#refusal;
  }

  #guarded(run: () => void): void {
    try {
      run();
    } catch (error) {
      // fflate's state is undefined after a throw from inside it: nothing more is read.
      this.#refusal = error instanceof RefusedError ? error.refusal : refuse('bad_archive', 'corrupt');
    }
  }

  #onFile(file: UnzipFile): void {
    this.#seen++;
    if (++this.#budget.entries > this.#limits.maxEntries) throw stop('zip_bomb', 'too_many_entries');
    const problem = entryNameProblem(file.name);
    if (problem !== undefined) throw stop('bad_archive', problem);
    // OPC part names compare case-insensitively: two spellings of one name are two truths.
    const key = file.name.toLowerCase();
    if (this.#names.has(key)) throw stop('bad_archive', 'duplicate_entry');
    this.#names.add(key);
    if (file.compression !== 0 && file.compression !== 8) throw stop('bad_archive', 'unsupported_compression');

    const sink = this.#visitor.entry(file.name);
    const mayNest = this.#depth === 0 && EMBEDDED_PACKAGE.test(file.name);
    let magic: Uint8Array | undefined = new Uint8Array(0);
    let nested: ZipWalker | undefined;
    this.#open++;
    file.ondata = (error, data, final) => {
      // fflate reports a throw from this very callback back into it as an error: keep our refusal.
      if (error !== null)
        throw (error as unknown) instanceof RefusedError ? error : stop('bad_archive', 'corrupt_entry');
      this.#count(data.length);
      if (magic !== undefined) {
        magic = concat(magic, data.subarray(0, MAGIC_BYTES));
        if (magic.length >= MAGIC_BYTES || final) {
          const archive = archiveType(magic);
          magic = undefined;
          if (archive === 'zip' && mayNest) nested = new ZipWalker(NO_VISITOR, this.#limits, { budget: this.#budget });
          else if (archive !== undefined) throw stop('bad_archive', `nested_${archive}`);
        }
      }
      if (nested !== undefined) {
        nested.push(data);
        if (nested.refusal !== undefined) throw new RefusedError(nested.refusal);
      }
      sink?.data(data);
      if (final) {
        this.#open--;
        const nestedRefusal = nested?.finish();
        if (nestedRefusal !== undefined) throw new RefusedError(nestedRefusal);
        sink?.end();
      }
    };
    // Entries not started are buffered whole by fflate: every entry is started.
    file.start();
  }

  #count(bytes: number): void {
    const budget = this.#budget;
    budget.output += bytes;
    if (budget.output > this.#limits.maxTotalBytes) throw stop('zip_bomb', 'too_large');
    if (budget.output > this.#limits.ratioFloorBytes && budget.output > this.#limits.maxRatio * budget.input) {
      throw stop('zip_bomb', 'ratio');
    }
  }
}

const NO_VISITOR: ZipVisitor = { entry: () => undefined };

function stop(reason: 'zip_bomb' | 'bad_archive', detail: string): RefusedError {
  return new RefusedError(refuse(reason, detail));
}

/** Names that would land outside a directory when extracted, or that hide what they are. */
export function entryNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'empty_name';
  if (name.length > 1024) return 'long_name';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return 'control_in_name';
  }
  if (name.includes('\\')) return 'backslash_in_name';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absolute_name';
  if (name.split('/').some((segment) => segment === '..')) return 'traversal_in_name';
  return undefined;
}

function archiveType(magic: Uint8Array): string | undefined {
  for (const [type, bytes] of ARCHIVE_MAGIC) {
    if (bytes.length <= magic.length && bytes.every((b, i) => magic[i] === b)) return type;
  }
  return undefined;
}

function lastBytes(kept: Uint8Array, chunk: Uint8Array, limit: number): Uint8Array {
  if (chunk.length >= limit) return chunk.slice(chunk.length - limit);
  const joined = concat(kept, chunk);
  return joined.length > limit ? joined.slice(joined.length - limit) : joined;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The entries that name a package's type: OOXML's content types, ODF's mimetype. */
const TYPE_ENTRIES = new Set(['[Content_Types].xml', 'mimetype']);
const MAX_TYPE_ENTRY_BYTES = 1024 ** 2;

export interface ZipGuardVerdict {
  readonly ok: true;
  readonly entries: number;
  readonly inflatedBytes: number;
  /** file-type's name for the package (docx, xlsx, pptx, odt, ods, docm, epub, zip, …). */
  readonly detected: string;
}

/**
 * The check an OOXML or ODF upload must pass as its bytes arrive: the ZipWalker's limits, and the
 * package type named inside the archive must be the expected kind. The type entry is handed to
 * file-type inside a one-entry archive, so the decision is file-type's wherever in the upload the
 * entry was (its own detection only reads as far as the first bytes it is given).
 */
export class ZipGuard {
  readonly #expected: KindId | undefined;
  readonly #walker: ZipWalker;
  readonly #typeEntries = new Map<string, Uint8Array[]>();
  #typeBytes = 0;

  constructor(expected?: KindId, limits: ZipLimits = DEFAULT_ZIP_LIMITS) {
    this.#expected = expected;
    this.#walker = new ZipWalker({ entry: (name) => this.#entry(name) }, limits);
  }

  push(chunk: Uint8Array): void {
    this.#walker.push(chunk);
  }

  /** Set as soon as the archive is refused: the caller can stop reading the upload. */
  get refusal(): Refusal | undefined {
    return this.#walker.refusal;
  }

  async finish(): Promise<ZipGuardVerdict | Refusal> {
    const refusal = this.#walker.finish();
    if (refusal !== undefined) return refusal;
    if (this.#typeEntries.size > 1) return refuse('bad_archive', 'ambiguous_package');
    const [name, chunks] = [...this.#typeEntries][0] ?? [];
    let detected = 'zip';
    if (name !== undefined && chunks !== undefined) {
      const probe = zipSync({ [name]: concatAll(chunks) }, { level: 0 });
      detected = (await fileTypeFromBuffer(probe))?.ext ?? 'zip';
    }
    if (this.#expected !== undefined && !kindSpec(this.#expected).detectedAs.includes(detected)) {
      return refuse('type_mismatch', `detected_${detected}`);
    }
    return { ok: true, entries: this.#walker.entries, inflatedBytes: this.#walker.inflatedBytes, detected };
  }

  #entry(name: string): EntrySink | undefined {
    if (!TYPE_ENTRIES.has(name)) return undefined;
    const chunks: Uint8Array[] = [];
    this.#typeEntries.set(name, chunks);
    return {
      data: (chunk) => {
        this.#typeBytes += chunk.length;
        if (this.#typeBytes > MAX_TYPE_ENTRY_BYTES) throw stop('bad_archive', 'type_entry_too_large');
        chunks.push(chunk.slice());
      },
      end: () => {},
    };
  }
}

/** Runs a ZipGuard over a whole stream or buffer. */
export async function guardZip(
  source: Uint8Array | AsyncIterable<Uint8Array>,
  expected?: KindId,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<ZipGuardVerdict | Refusal> {
  const guard = new ZipGuard(expected, limits);
  if (source instanceof Uint8Array) guard.push(source);
  else {
    for await (const chunk of source) {
      guard.push(chunk);
      if (guard.refusal !== undefined) break;
    }
  }
  return guard.finish();
}

export function concatAll(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
