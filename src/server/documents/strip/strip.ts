import { type KindId, kindSpec } from '../inspect/file-kind.ts';
import { type Refusal, RefusedError, refuse } from '../inspect/refusal.ts';
import { concatAll, DEFAULT_ZIP_LIMITS, type ZipLimits } from '../inspect/zip-guard.ts';
import { stripImage } from './image.ts';
import { stripPackage } from './package.ts';
import { stripPdf } from './pdf.ts';
import type { Residual } from './residual.ts';

export interface StripLimits {
  /** sharp decodes from a buffer: the whole image is in memory, and its pixels besides. */
  readonly maxImageBytes: number;
  readonly maxImagePixels: number;
  /** pdf-lib parses the whole file into objects, several times its size in memory. */
  readonly maxPdfBytes: number;
  readonly zip: ZipLimits;
}

/**
 * 100 MP covers every phone camera's usual output (a 200 MP "full resolution" shot is refused:
 * decoding and turning it would take over a gigabyte). PDFs up to the default upload limit.
 */
export const DEFAULT_STRIP_LIMITS: StripLimits = {
  maxImageBytes: 50 * 1024 ** 2,
  maxImagePixels: 100_000_000,
  maxPdfBytes: 100 * 1024 ** 2,
  zip: DEFAULT_ZIP_LIMITS,
};

export interface Stripped {
  readonly ok: true;
  /**
   * The stripped file. For OOXML and ODF it is produced while it is read, and a refusal found on
   * the way (a bomb, damage) is thrown from the iteration as a RefusedError.
   */
  readonly output: AsyncIterable<Uint8Array>;
  /** What was found and left in; complete once output has been read to its end. */
  readonly residual: ReadonlySet<Residual>;
}

export type Source = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Removes the metadata of a file whose kind detectKind established (applied to every anonymous
 * upload, and to others on request), or refuses when that cannot be done:
 * - JPEG, PNG, GIF, WebP: re-encoded by sharp without EXIF/XMP/IPTC/ICC, turned upright first;
 * - HEIC: refused ('cannot_strip'): the sharp build here decodes AVIF only, not HEVC, and a HEIC
 *   cannot be re-encoded or cleaned without decoding it. Upload forms should ask for JPEG
 *   (iOS converts HEIC photos to JPEG when the form does not accept HEIC);
 * - PDF: see stripPdf; OOXML and ODF: see stripPackage;
 * - TXT, CSV: nothing to remove; EML: headers are the message's content and stay (reported).
 */
export async function stripMetadata(
  kind: KindId,
  input: Source,
  limits: StripLimits = DEFAULT_STRIP_LIMITS,
): Promise<Stripped | Refusal> {
  const residual = new Set<Residual>();
  const done = (bytes: Uint8Array): Stripped => ({ ok: true, output: once(bytes), residual });
  const family = kindSpec(kind).family;
  switch (family) {
    case 'text':
      if (kind === 'eml') residual.add('eml_headers');
      return { ok: true, output: chunks(input), residual };
    case 'image': {
      if (kind === 'heic') return refuse('cannot_strip', 'heic_not_decodable');
      if (kind !== 'jpeg' && kind !== 'png' && kind !== 'gif' && kind !== 'webp') {
        return refuse('cannot_strip', 'image_kind');
      }
      const bytes = await collect(input, limits.maxImageBytes);
      if (!(bytes instanceof Uint8Array)) return bytes;
      const clean = await stripImage(bytes, kind, { orient: true, maxPixels: limits.maxImagePixels });
      return clean instanceof Uint8Array ? done(clean) : clean;
    }
    case 'pdf': {
      const bytes = await collect(input, limits.maxPdfBytes);
      if (!(bytes instanceof Uint8Array)) return bytes;
      const clean = await stripPdf(bytes, residual);
      return clean instanceof Uint8Array ? done(clean) : clean;
    }
    case 'ooxml':
    case 'odf': {
      const output = stripPackage(
        family,
        chunks(input),
        { zip: limits.zip, maxImageBytes: limits.maxImageBytes, maxImagePixels: limits.maxImagePixels },
        residual,
      );
      return { ok: true, output, residual };
    }
  }
}

/** stripMetadata read to its end, for callers (and tests) that want the bytes at once. */
export async function stripToBuffer(
  kind: KindId,
  input: Source,
  limits: StripLimits = DEFAULT_STRIP_LIMITS,
): Promise<{ ok: true; data: Uint8Array; residual: readonly Residual[] } | Refusal> {
  const stripped = await stripMetadata(kind, input, limits);
  if (!stripped.ok) return stripped;
  const parts: Uint8Array[] = [];
  try {
    for await (const part of stripped.output) parts.push(part);
  } catch (error) {
    if (error instanceof RefusedError) return error.refusal;
    throw error;
  }
  return { ok: true, data: concatAll(parts), residual: [...stripped.residual] };
}

async function collect(input: Source, limit: number): Promise<Uint8Array | Refusal> {
  if (input instanceof Uint8Array) return input.length > limit ? refuse('too_large', 'strip_limit') : input;
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of input) {
    size += part.length;
    if (size > limit) return refuse('too_large', 'strip_limit');
    parts.push(part);
  }
  return concatAll(parts);
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function* chunks(input: Source): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) yield input;
  else yield* input;
}
