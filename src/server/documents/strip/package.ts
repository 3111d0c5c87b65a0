import { Zip, ZipDeflate, type ZipInputFile, ZipPassThrough } from 'fflate';
import { type Refusal, RefusedError } from '../inspect/refusal.ts';
import { concatAll, type EntrySink, type ZipLimits, ZipWalker } from '../inspect/zip-guard.ts';
import { type StrippableImage, stripImage } from './image.ts';
import type { Residual } from './residual.ts';

export interface PackageStripOptions {
  readonly zip: ZipLimits;
  readonly maxImageBytes: number;
  readonly maxImagePixels: number;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const VT = 'http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes';

/**
 * Metadata parts are replaced by empty ones of the same type rather than removed: the package's
 * relationships and content types then stay as they were, with no XML to edit by hand, and an
 * empty properties part is valid in both standards (every property is optional).
 */
const OOXML_EMPTY: Readonly<Record<string, string>> = {
  core: `${XML_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>`,
  app: `${XML_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="${VT}"/>`,
  custom: `${XML_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="${VT}"/>`,
  // Word's list of comment authors with their accounts (e-mail addresses, directory ids).
  people: `${XML_DECLARATION}<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"/>`,
};

const OOXML_STANDARD_PARTS: Readonly<Record<string, string>> = {
  'docProps/core.xml': 'core',
  'docProps/app.xml': 'app',
  'docProps/custom.xml': 'custom',
  'word/people.xml': 'people',
};

const OOXML_CONTENT_TYPES: Readonly<Record<string, string>> = {
  'application/vnd.openxmlformats-package.core-properties+xml': 'core',
  'application/vnd.openxmlformats-officedocument.extended-properties+xml': 'app',
  'application/vnd.openxmlformats-officedocument.custom-properties+xml': 'custom',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml': 'people',
};

const ODF_OFFICE = 'urn:oasis:names:tc:opendocument:xmlns:office:1.0';

/** ODF: meta.xml (authors, editing cycles and time, dates, statistics) and settings.xml (printer names). */
function odfEmpty(part: 'meta' | 'settings', version: string | undefined): string {
  const v = version === undefined ? '' : ` office:version="${version}"`;
  return part === 'meta'
    ? `<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta xmlns:office="${ODF_OFFICE}"${v}><office:meta/></office:document-meta>`
    : `<?xml version="1.0" encoding="UTF-8"?>\n<office:document-settings xmlns:office="${ODF_OFFICE}"${v}/>`;
}

const IMAGE_EXTENSIONS: Readonly<Record<string, StrippableImage>> = {
  jpg: 'jpeg',
  jpeg: 'jpeg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
};
/** Image formats that carry EXIF but that sharp cannot rewrite here. */
const UNSTRIPPABLE_IMAGES = new Set(['tif', 'tiff', 'heic', 'heif', 'avif', 'jxr', 'wdp']);
/** Deflating these again gains nothing. */
const STORED_EXTENSIONS = new Set([...Object.keys(IMAGE_EXTENSIONS), 'mp4', 'm4a', 'mp3', 'mov', 'avi', 'wmv']);

/** Parts whose presence, or a string in them, means author names remain in the body. */
const OOXML_AUTHOR_PARTS: readonly [RegExp, string | undefined, Residual][] = [
  [/^word\/[^/]+\.xml$/, 'w:author=', 'authors_in_content'],
  [/^xl\/comments\d*\.xml$/, undefined, 'authors_in_content'],
  [/^xl\/(threadedComments|persons|revisions)\//, undefined, 'authors_in_content'],
  [/^ppt\/(commentAuthors\.xml|authors\.xml|comments\/)/, undefined, 'authors_in_content'],
  [/^customXml\//, undefined, 'custom_xml'],
  [/^(word|xl|ppt)\/embeddings\//, undefined, 'embedded_package'],
];
const ODF_AUTHOR_PARTS: readonly [RegExp, string | undefined, Residual][] = [
  [/(^|\/)(content|styles)\.xml$/, '<dc:creator>', 'authors_in_content'],
  [/^Object \d+\//, undefined, 'embedded_package'],
];

/** Zip's entries need a time; a fixed one says nothing of when anything was made or stripped. */
const FIXED_MTIME = new Date(2000, 0, 1);
/** Input is fed in steps this size, so that an image's async re-encoding holds up little data. */
const STEP_BYTES = 64 * 1024;
const MAX_METADATA_PART_BYTES = 1024 ** 2;

/**
 * Rewrites an OOXML or ODF package entry by entry as it streams (fflate's Unzip in, Zip out),
 * under the ZipWalker's limits: metadata parts become empty ones, images are re-encoded without
 * their EXIF, and everything else is copied. The new archive also drops what the old one carried
 * besides its entries: extra fields (owner ids, exact times), comments, data between entries.
 * Memory: one image at a time (up to maxImageBytes) and one small metadata part.
 *
 * A refusal (bomb, damage) is thrown from the iteration as a RefusedError.
 */
export async function* stripPackage(
  family: 'ooxml' | 'odf',
  input: AsyncIterable<Uint8Array>,
  options: PackageStripOptions,
  residual: Set<Residual>,
): AsyncGenerator<Uint8Array> {
  const output: Uint8Array[] = [];
  let failure: unknown;
  let ended = false;
  const zip = new Zip((error, chunk, final) => {
    if (error !== null) failure = error;
    else {
      output.push(chunk);
      if (final) ended = true;
    }
  });
  const jobs: (() => Promise<void>)[] = [];
  const replaced = new Map<string, string>();
  const passed = new Set<string>();
  let odfVersion: string | undefined;

  const add = (file: ZipInputFile & { push(chunk: Uint8Array, final?: boolean): void }) => {
    file.mtime = FIXED_MTIME;
    zip.add(file);
    return file;
  };

  const entry = (entryName: string): EntrySink => {
    passed.add(entryName);
    const extension = /\.([^./]+)$/.exec(entryName)?.[1]?.toLowerCase() ?? '';
    const stored = entryName.endsWith('/') || entryName === 'mimetype' || STORED_EXTENSIONS.has(extension);
    const out = add(stored ? new ZipPassThrough(entryName) : new ZipDeflate(entryName, { level: 6 }));

    const replacement = metadataPart(entryName);
    if (replacement !== undefined) {
      const head: Uint8Array[] = [];
      let size = 0;
      return {
        data: (chunk) => {
          size += chunk.length;
          if (size > MAX_METADATA_PART_BYTES) throw new RefusedError(refusal('metadata_part_too_large'));
          head.push(chunk.slice());
        },
        end: () => {
          const text = new TextDecoder().decode(concatAll(head));
          odfVersion ??= /office:version="([0-9.]{1,8})"/.exec(text)?.[1];
          out.push(new TextEncoder().encode(replacement(odfVersion)), true);
        },
      };
    }
    if (entryName === '[Content_Types].xml') return contentTypesSink(out);

    const image = IMAGE_EXTENSIONS[extension];
    if (image !== undefined) return imageSink(out, image);
    if (UNSTRIPPABLE_IMAGES.has(extension)) residual.add('embedded_image_unstripped');

    const scans = (family === 'ooxml' ? OOXML_AUTHOR_PARTS : ODF_AUTHOR_PARTS).filter(([path]) => path.test(entryName));
    const needles: NeedleScan[] = [];
    for (const [, needle, found] of scans) {
      if (needle === undefined) residual.add(found);
      else needles.push(new NeedleScan(needle, () => residual.add(found)));
    }
    return {
      data: (chunk) => {
        for (const scan of needles) scan.push(chunk);
        out.push(chunk);
      },
      end: () => out.push(new Uint8Array(0), true),
    };
  };

  const metadataPart = (entryName: string): ((version: string | undefined) => string) | undefined => {
    if (family === 'odf') {
      if (/(^|\/)meta\.xml$/.test(entryName)) return (v) => odfEmpty('meta', v);
      if (entryName === 'settings.xml') return (v) => odfEmpty('settings', v);
      return undefined;
    }
    const part = replaced.get(entryName) ?? OOXML_STANDARD_PARTS[entryName];
    const xml = part === undefined ? undefined : OOXML_EMPTY[part];
    return xml === undefined ? undefined : () => xml;
  };

  // Passed on unchanged, and read for metadata parts kept somewhere other than the usual place.
  const contentTypesSink = (out: ZipInputFile & { push(c: Uint8Array, f?: boolean): void }): EntrySink => {
    const copy: Uint8Array[] = [];
    let size = 0;
    return {
      data: (chunk) => {
        size += chunk.length;
        if (size > MAX_METADATA_PART_BYTES) throw new RefusedError(refusal('content_types_too_large'));
        copy.push(chunk.slice());
        out.push(chunk);
      },
      end: () => {
        out.push(new Uint8Array(0), true);
        for (const [partName, part] of metadataOverrides(new TextDecoder().decode(concatAll(copy)))) {
          if (OOXML_STANDARD_PARTS[partName] === part) continue;
          if (passed.has(partName)) residual.add('metadata_part_unstripped');
          else replaced.set(partName, part);
        }
      },
    };
  };

  const imageSink = (out: ZipInputFile & { push(c: Uint8Array, f?: boolean): void }, kind: StrippableImage) => {
    let buffered: Uint8Array[] | undefined = [];
    let size = 0;
    return {
      data: (chunk: Uint8Array) => {
        size += chunk.length;
        if (buffered !== undefined && size > options.maxImageBytes) {
          // Too large to decode here: copied as it is, and reported.
          residual.add('embedded_image_unstripped');
          for (const part of buffered) out.push(part);
          buffered = undefined;
        }
        if (buffered === undefined) out.push(chunk);
        else buffered.push(chunk.slice());
      },
      end: () => {
        const original = buffered === undefined ? undefined : concatAll(buffered);
        if (original === undefined) {
          out.push(new Uint8Array(0), true);
          return;
        }
        jobs.push(async () => {
          // Not oriented: the document's layout decides how its pictures are shown.
          const clean = await stripImage(original, kind, { orient: false, maxPixels: options.maxImagePixels });
          if (clean instanceof Uint8Array) out.push(clean, true);
          else {
            residual.add('embedded_image_unstripped');
            out.push(original, true);
          }
        });
      },
    };
  };

  const walker = new ZipWalker({ entry }, options.zip);
  const settle = async (): Promise<void> => {
    if (walker.refusal !== undefined) throw new RefusedError(walker.refusal);
    for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) await job();
    if (failure !== undefined) throw failure;
  };

  for await (const chunk of input) {
    for (let offset = 0; offset < chunk.length; offset += STEP_BYTES) {
      walker.push(chunk.subarray(offset, offset + STEP_BYTES));
      await settle();
      if (output.length > 0) yield concatAll(output.splice(0));
    }
  }
  const finished = walker.finish();
  if (finished !== undefined) throw new RefusedError(finished);
  await settle();
  zip.end();
  if (failure !== undefined) throw failure;
  if (!ended) throw new Error('the rewritten archive did not end');
  yield concatAll(output.splice(0));
}

function refusal(detail: string): Refusal {
  return { ok: false, reason: 'bad_archive', detail };
}

/** The Override entries of [Content_Types].xml that name metadata parts, as entry names. */
function metadataOverrides(xml: string): [string, string][] {
  const found: [string, string][] = [];
  for (const element of xml.match(/<Override\b[^>]*>/g) ?? []) {
    const partName = /\bPartName\s*=\s*["']\/?([^"']+)["']/.exec(element)?.[1];
    const contentType = /\bContentType\s*=\s*["']([^"']+)["']/.exec(element)?.[1];
    const part = contentType === undefined ? undefined : OOXML_CONTENT_TYPES[contentType];
    if (partName !== undefined && part !== undefined) found.push([partName, part]);
  }
  return found;
}

/** Finds a byte string in a stream of chunks, across chunk boundaries. */
class NeedleScan {
  readonly #needle: Buffer;
  readonly #found: () => void;
  #tail = Buffer.alloc(0);
  #done = false;

  constructor(needle: string, found: () => void) {
    this.#needle = Buffer.from(needle, 'utf8');
    this.#found = found;
  }

  push(chunk: Uint8Array): void {
    if (this.#done) return;
    const window = Buffer.concat([this.#tail, chunk]);
    if (window.includes(this.#needle)) {
      this.#done = true;
      this.#found();
      return;
    }
    this.#tail = window.subarray(Math.max(0, window.length - this.#needle.length + 1));
  }
}
