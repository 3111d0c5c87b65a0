/**
 * The multipart uploads of the fake S3 (fake-s3.ts): the parts an upload holds, the checks S3 makes of the
 * parts a CompleteMultipartUpload lists, the object they are joined into (its multipart ETag and composite
 * checksum), and the ListMultipartUploads answer.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { type Checksum, crc32Base64, fields, parseCompleteParts, S3Error, xml } from './fake-s3-wire.ts';

const MIN_PART = 5 * 1024 * 1024;

export interface Part {
  readonly file: string;
  readonly size: number;
  readonly etag: string;
  /** Base64 CRC32, if the part carried one. */
  readonly crc32: string | undefined;
}

export interface MultipartUpload {
  readonly id: string;
  readonly key: string;
  readonly initiated: Date;
  readonly algorithm: string | undefined;
  readonly parts: Map<number, Part>;
}

/**
 * The parts a CompleteMultipartUpload body lists, in order, checked as S3 checks them: each uploaded with
 * that ETag, in ascending order, at least 5 MiB but the last, and with the CRC32 of the part if the upload
 * was created with that algorithm (or if the body gives one anyway).
 */
export function listedParts(upload: MultipartUpload, body: string): Part[] {
  const listed = parseCompleteParts(body);
  if (listed.length === 0) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed');
  const parts: Part[] = [];
  for (const [index, entry] of listed.entries()) {
    const part = upload.parts.get(entry.number);
    if (part === undefined || part.etag !== entry.etag) {
      throw new S3Error('InvalidPart', 'One or more of the specified parts could not be found.');
    }
    if (index > 0 && entry.number <= (listed[index - 1]?.number ?? 0)) {
      throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order.');
    }
    if (index < listed.length - 1 && part.size < MIN_PART) {
      throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
    }
    if (upload.algorithm === 'CRC32' && entry.crc32 === undefined) {
      const message = `The upload was created using a crc32 checksum. The complete request must include the checksum for each part. It was missing for part ${entry.number} in the request.`;
      throw new S3Error('InvalidRequest', message);
    }
    if (entry.crc32 !== undefined && entry.crc32 !== part.crc32) {
      throw new S3Error('InvalidPart', `The checksum of part ${entry.number} does not match.`);
    }
    parts.push(part);
  }
  return parts;
}

/** Streams the parts, in order, into a new `file`. */
export async function writeJoined(parts: readonly Part[], file: string): Promise<void> {
  // One source stream for all parts: piping each into the same file stream would pile listeners on it.
  async function* joined(): AsyncGenerator<Buffer> {
    for (const part of parts) yield* createReadStream(part.file);
  }
  await pipeline(joined(), createWriteStream(file, { flags: 'wx' }));
}

/**
 * The object the parts were joined into (writeJoined): its size, the multipart ETag (`"<md5 of the parts'
 * MD5s>-N"`) and, for an upload created with CRC32, the composite checksum `…-N`. Removes the parts' files.
 */
export async function joinedObject(
  parts: readonly Part[],
  algorithm: string | undefined,
): Promise<{ size: number; etag: string; checksum: Checksum | undefined }> {
  const md5s = Buffer.concat(parts.map((part) => Buffer.from(part.etag.slice(1, -1), 'hex')));
  const etag = `"${createHash('md5').update(md5s).digest('hex')}-${parts.length}"`;
  let checksum: Checksum | undefined;
  if (algorithm === 'CRC32') {
    const raw = Buffer.concat(parts.map((part) => Buffer.from(part.crc32 ?? '', 'base64')));
    checksum = { value: `${crc32Base64(raw)}-${parts.length}`, type: 'COMPOSITE' };
  }
  const size = parts.reduce((sum, part) => sum + part.size, 0);
  await Promise.all(parts.map((part) => rm(part.file, { force: true })));
  return { size, etag, checksum };
}

/** The ListMultipartUploadsResult of the unfinished uploads under `prefix`, by key (never truncated). */
export function uploadsListing(bucket: string, uploads: Iterable<MultipartUpload>, prefix: string): string {
  const items = [...uploads]
    .filter((upload) => upload.key.startsWith(prefix))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(
      (upload) =>
        `<Upload>${fields({ Key: upload.key, UploadId: upload.id, Initiated: upload.initiated.toISOString() })}</Upload>`,
    );
  const head = { Bucket: bucket, Prefix: prefix, IsTruncated: 'false' };
  return xml('ListMultipartUploadsResult', head, items.join(''));
}
