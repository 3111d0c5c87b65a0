/**
 * The wire format of the fake S3 (fake-s3.ts): operations by method and query, S3's XML, errors, and the
 * aws-chunked body encoding of the SDK's streamed uploads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';

export class S3Error extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export function operationOf(method: string, query: URLSearchParams, key: string): string {
  const bucketLevel = key === '';
  switch (method) {
    case 'HEAD':
      return bucketLevel ? 'HeadBucket' : 'HeadObject';
    case 'GET':
      if (bucketLevel) return query.has('uploads') ? 'ListMultipartUploads' : `ListObjectsV${query.get('list-type')}`;
      return 'GetObject';
    case 'PUT':
      if (bucketLevel) return 'CreateBucket';
      return query.has('uploadId') ? 'UploadPart' : 'PutObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      return query.has('uploadId') ? 'CompleteMultipartUpload' : `POST ${[...query.keys()].join('&')}`;
    case 'DELETE':
      return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      return method;
  }
}

/**
 * The payload of an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … `0\r\n`, then
 * trailer lines (`x-amz-checksum-crc32:<base64>`) and an empty line. Only the framing lines are buffered.
 */
export async function* decodeAwsChunked(source: AsyncIterable<Buffer>, trailers: Map<string, string>) {
  const malformed = () => new S3Error('InvalidChunkSizeError', 'the aws-chunked body is malformed');
  let buffer: Buffer = Buffer.alloc(0);
  let remaining = 0;
  let state: 'size' | 'data' | 'crlf' | 'trailer' | 'done' = 'size';
  for await (const piece of source) {
    buffer = buffer.length === 0 ? piece : Buffer.concat([buffer, piece]);
    while (buffer.length > 0 && state !== 'done') {
      if (state === 'data') {
        const take = Math.min(remaining, buffer.length);
        yield buffer.subarray(0, take);
        buffer = buffer.subarray(take);
        remaining -= take;
        if (remaining === 0) state = 'crlf';
        continue;
      }
      if (state === 'crlf') {
        if (buffer.length < 2) break;
        if (buffer[0] !== 0x0d || buffer[1] !== 0x0a) throw malformed();
        buffer = buffer.subarray(2);
        state = 'size';
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol === -1) {
        if (buffer.length > 8192) throw malformed();
        break;
      }
      const line = buffer.subarray(0, eol).toString('latin1');
      buffer = buffer.subarray(eol + 2);
      if (state === 'size') {
        const match = /^([0-9a-fA-F]{1,12})(;chunk-signature=[0-9a-f]{64})?$/.exec(line);
        if (match === null) throw malformed();
        remaining = Number.parseInt(match[1] ?? '', 16);
        state = remaining === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        state = 'done';
      } else {
        const colon = line.indexOf(':');
        if (colon < 1) throw malformed();
        trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
  }
  // The SDK ends a body without a trailer at `0\r\n`, with no empty line after it.
  if (state !== 'done' && state !== 'trailer') throw malformed();
}

export function answer(res: ServerResponse, status: number, headers: Record<string, string>, body?: string): void {
  const type = body === undefined ? {} : { 'content-type': 'application/xml' };
  res.writeHead(status, { ...headers, ...type, 'x-amz-request-id': requestId() });
  res.end(body);
}

export function crc32Base64(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString('base64');
}

export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new S3Error('MaxMessageLengthExceeded', 'Your request was too big.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function xml(root: string, values: Record<string, string>, inner = ''): string {
  const ns = root === 'Error' ? '' : ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${fields(values)}${inner}</${root}>`;
}

export function fields(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
}

export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function unescapeXml(text: string): string {
  return text.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

export function preconditionFailed(): S3Error {
  return new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
}

export function notImplemented(what: string): S3Error {
  return new S3Error('NotImplemented', `${what} is not implemented by the fake`, 501);
}

export function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/**
 * Streams a request body to `file`: aws-chunked decoded, hashed as it passes, its size and checksums
 * checked against the headers (or trailer) at the end. The file is removed if anything fails.
 */
export async function receiveBody(
  req: IncomingMessage,
  file: string,
): Promise<{ size: number; md5: string; crc32: string | undefined }> {
  const encodings = String(req.headers['content-encoding'] ?? '')
    .split(',')
    .map((encoding) => encoding.trim());
  const chunked = encodings.includes('aws-chunked');
  const declared = String(req.headers['x-amz-content-sha256']);
  const trailers = new Map<string, string>();
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let crc = 0;
  let size = 0;
  try {
    const hashing = async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        md5.update(chunk);
        sha256.update(chunk);
        crc = crc32(chunk, crc);
        size += chunk.length;
        yield chunk;
      }
    };
    const source = chunked ? decodeAwsChunked(req, trailers) : req;
    await pipeline(source, hashing, createWriteStream(file, { flags: 'wx' }));
    if (chunked && size !== Number(req.headers['x-amz-decoded-content-length'])) {
      throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the header.');
    }
    if (/^[0-9a-f]{64}$/.test(declared) && sha256.digest('hex') !== declared) {
      throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match.");
    }
    const names = Object.keys(req.headers).filter((name) => name.startsWith('x-amz-checksum-'));
    const trailer = req.headers['x-amz-trailer']?.toString().toLowerCase();
    if (trailer !== undefined) names.push(trailer);
    let received: string | undefined;
    for (const name of names) {
      if (name === 'x-amz-checksum-algorithm' || name === 'x-amz-checksum-mode' || name === 'x-amz-checksum-type') {
        continue;
      }
      if (name !== 'x-amz-checksum-crc32') throw notImplemented(`checksum ${name}`);
      received = name === trailer ? trailers.get(name) : String(req.headers[name]);
      const computed = Buffer.alloc(4);
      computed.writeUInt32BE(crc >>> 0);
      if (received !== computed.toString('base64')) {
        throw new S3Error('BadDigest', 'The CRC32 you specified did not match the calculated checksum.');
      }
    }
    return { size, md5: md5.digest('hex'), crc32: received };
  } catch (e) {
    await rm(file, { force: true });
    throw e;
  }
}

export interface Checksum {
  readonly value: string;
  readonly type: 'FULL_OBJECT' | 'COMPOSITE';
}

export function checksumHeaders(checksum: Checksum | undefined): Record<string, string> {
  if (checksum === undefined) return {};
  return { 'x-amz-checksum-crc32': checksum.value, 'x-amz-checksum-type': checksum.type };
}

/** The parts listed in a CompleteMultipartUpload body, in the order given. */
export function parseCompleteParts(text: string): { number: number; etag: string; crc32: string | undefined }[] {
  return [...text.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((match) => {
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(match[1] ?? '')?.[1];
    return {
      number: Number(field('PartNumber')),
      etag: unescapeXml(field('ETag') ?? ''),
      crc32: field('ChecksumCRC32'),
    };
  });
}
