/**
 * A fake S3 speaking the REST-XML protocol (path style) well enough for the real @aws-sdk/client-s3, so
 * that the S3 blob store is tested with the SDK's own serialisation, signing, checksums, retries and
 * error parsing. One bucket; objects and parts are files in a temp directory, and bodies are streamed
 * both ways, so the fake runs in constant memory too (the memory tests measure the process the fake runs
 * in). Chosen over the S3 servers on npm (s3rver 3.7.1, @20minutes/s3rver 5.0.0), which, tried with this
 * SDK, stored a streamed body's aws-chunked framing as data or refused it, accepted a wrong CRC32,
 * ignored If-None-Match and could not list multipart uploads.
 *
 * What it checks as S3 does: a SigV4 Authorization header and x-amz-content-sha256 on every request (the
 * signature is not verified: the secret is a test dummy), the payload's SHA-256 when it is signed, the
 * SDK's default CRC32 checksums (x-amz-checksum-crc32 as a header, or as a trailer of an `aws-chunked`
 * body, which it decodes: storing the chunk framing as data is what old S3 fakes do to SDK v3 streams),
 * part checksums at CompleteMultipartUpload for an upload created with one, parts of at least 5 MiB
 * but the last, `If-None-Match: *`, ranges (416 past the end). On a whole GetObject it returns the
 * object's checksum, as S3 does with checksum mode on: the full CRC32 of a single put, which the SDK
 * verifies, or the composite `…-N` of a multipart one, which it skips.
 *
 * Multipart uploads (their parts, the checks at completion, the joined object) are in fake-s3-multipart.ts,
 * the wire format (operations, XML, errors, aws-chunked bodies) in fake-s3-wire.ts.
 *
 * `down()` leaves every request unanswered (a black-holed path), `failWith()` answers every request with
 * an error; `up()` ends both. `maxKeys` shortens list pages, so that a few objects exercise pagination.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { joinedObject, listedParts, type MultipartUpload, uploadsListing, writeJoined } from './fake-s3-multipart.ts';
import {
  answer,
  type Checksum,
  checksumHeaders,
  fields,
  notImplemented,
  operationOf,
  preconditionFailed,
  readText,
  receiveBody,
  requestId,
  S3Error,
  xml,
} from './fake-s3-wire.ts';

const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/s3\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;

interface StoredObject {
  readonly file: string;
  readonly size: number;
  readonly etag: string;
  readonly modified: Date;
  readonly checksum: Checksum | undefined;
}

export interface LoggedRequest {
  readonly operation: string;
  readonly key: string;
  readonly headers: IncomingHttpHeaders;
}

export class FakeS3 {
  readonly bucket: string;
  /** Every request that reached an operation, oldest first. */
  readonly log: LoggedRequest[] = [];
  /** HTTP requests received, answered or not. */
  requests = 0;
  /** Errors of the fake itself (answered 500), for a failing test to show. */
  readonly internalErrors: unknown[] = [];
  maxKeys = 1000;
  #dir = '';
  #objects = new Map<string, StoredObject>();
  #uploads = new Map<string, MultipartUpload>();
  #down = false;
  #failure: S3Error | undefined;

  constructor(bucket = 'tma-test') {
    this.bucket = bucket;
  }

  down(): void {
    this.#down = true;
  }

  /** Every request fails so, e.g. ('SlowDown', 503) or ('InternalError', 500). */
  failWith(code: string, status: number): void {
    this.#failure = new S3Error(code, `injected ${code}`, status);
  }

  up(): void {
    this.#down = false;
    this.#failure = undefined;
  }

  /** Keys of the multipart uploads begun and neither completed nor aborted. */
  pendingUploads(): string[] {
    return [...this.#uploads.values()].map((upload) => upload.key);
  }

  /** Backdates an unfinished multipart upload, as if begun `ms` earlier. */
  age(key: string, ms: number): void {
    for (const [id, upload] of this.#uploads) {
      if (upload.key === key)
        this.#uploads.set(id, { ...upload, initiated: new Date(upload.initiated.getTime() - ms) });
    }
  }

  /** Deletes an object behind the client's back. */
  remove(key: string): void {
    this.#replace(key, undefined);
  }

  /** Flips a bit of a stored object, as a failing disk would. */
  async corrupt(key: string, offset = 0): Promise<void> {
    const object = this.#objects.get(key);
    if (object === undefined) throw new Error(`no object ${key}`);
    const handle = await open(object.file, 'r+');
    try {
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, offset);
      byte[0] = (byte[0] ?? 0) ^ 0x01;
      await handle.write(byte, 0, 1, offset);
    } finally {
      await handle.close();
    }
  }

  async start(): Promise<{ url: string; close: () => Promise<void> }> {
    this.#dir = await mkdtemp(path.join(tmpdir(), 'fake-s3-'));
    const server = createServer((req, res) => void this.#handle(req, res));
    await once(server.listen(0, '127.0.0.1'), 'listening');
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await rm(this.#dir, { recursive: true, force: true });
      },
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    res.on('error', () => {}); // a client that gave up: nothing to answer, nothing to crash on
    req.on('error', () => {});
    if (this.#down) return void req.resume(); // never answered: the client's timeout has to end it
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      const [, bucket = '', ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      const operation = operationOf(req.method ?? '', url.searchParams, key);
      this.log.push({ operation, key, headers: req.headers });
      if (this.#failure !== undefined) throw this.#failure;
      if (!SIGV4.test(req.headers.authorization ?? '')) {
        throw new S3Error('AccessDenied', 'no SigV4 Authorization header', 403);
      }
      if (typeof req.headers['x-amz-content-sha256'] !== 'string') {
        throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
      }
      if (decodeURIComponent(bucket) !== this.bucket) {
        throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404);
      }
      await this.#operate(operation, req, res, url.searchParams, key);
    } catch (e) {
      // A client that hung up mid-body is no fault of the fake's.
      if (!(e instanceof S3Error) && !req.socket.destroyed) this.internalErrors.push(e);
      const error = e instanceof S3Error ? e : new S3Error('InternalError', 'We encountered an internal error.', 500);
      req.resume();
      if (res.headersSent) return void res.destroy();
      const body = req.method === 'HEAD' ? '' : xml('Error', { Code: error.code, Message: error.message });
      res.writeHead(error.status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId() });
      res.end(body);
    }
  }

  async #operate(operation: string, req: IncomingMessage, res: ServerResponse, query: URLSearchParams, key: string) {
    switch (operation) {
      case 'HeadBucket':
        return answer(res, 200, {});
      case 'PutObject': {
        const exists = this.#objects.has(key);
        if (req.headers['if-none-match'] === '*' && exists) throw preconditionFailed();
        const file = this.#file();
        const body = await receiveBody(req, file);
        if (req.headers['if-none-match'] === '*' && this.#objects.has(key)) {
          await rm(file, { force: true });
          throw preconditionFailed();
        }
        const checksum = body.crc32 === undefined ? undefined : { value: body.crc32, type: 'FULL_OBJECT' as const };
        this.#replace(key, { file, size: body.size, etag: `"${body.md5}"`, modified: new Date(), checksum });
        return answer(res, 200, { etag: `"${body.md5}"`, ...checksumHeaders(checksum) });
      }
      case 'CreateMultipartUpload': {
        const id = randomBytes(24).toString('base64url');
        const algorithm = req.headers['x-amz-checksum-algorithm']?.toString().toUpperCase();
        if (algorithm !== undefined && algorithm !== 'CRC32') throw notImplemented(`checksum ${algorithm}`);
        this.#uploads.set(id, { id, key, initiated: new Date(), algorithm, parts: new Map() });
        const headers: Record<string, string> =
          algorithm === undefined ? {} : { 'x-amz-checksum-algorithm': algorithm };
        return answer(
          res,
          200,
          headers,
          xml('InitiateMultipartUploadResult', { Bucket: this.bucket, Key: key, UploadId: id }),
        );
      }
      case 'UploadPart': {
        const upload = this.#upload(query, key);
        const number = Number(query.get('partNumber'));
        if (!Number.isInteger(number) || number < 1 || number > 10000) {
          throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
        }
        const file = this.#file();
        const body = await receiveBody(req, file);
        if (this.#uploads.get(upload.id) !== upload) {
          await rm(file, { force: true });
          throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', 404);
        }
        const old = upload.parts.get(number);
        if (old !== undefined) await rm(old.file, { force: true });
        upload.parts.set(number, { file, size: body.size, etag: `"${body.md5}"`, crc32: body.crc32 });
        const checksum = body.crc32 === undefined ? undefined : { value: body.crc32, type: 'FULL_OBJECT' as const };
        return answer(res, 200, { etag: `"${body.md5}"`, ...checksumHeaders(checksum) });
      }
      case 'CompleteMultipartUpload':
        return this.#complete(req, res, this.#upload(query, key), key);
      case 'AbortMultipartUpload': {
        const upload = this.#upload(query, key);
        this.#uploads.delete(upload.id);
        await Promise.all([...upload.parts.values()].map((part) => rm(part.file, { force: true })));
        return answer(res, 204, {});
      }
      case 'ListMultipartUploads':
        return answer(res, 200, {}, uploadsListing(this.bucket, this.#uploads.values(), query.get('prefix') ?? ''));
      case 'ListObjectsV2':
        return this.#list(res, query);
      case 'HeadObject':
      case 'GetObject':
        return this.#get(req, res, key, operation === 'HeadObject');
      case 'DeleteObject':
        this.#replace(key, undefined);
        return answer(res, 204, {});
      default:
        throw notImplemented(operation);
    }
  }

  async #complete(req: IncomingMessage, res: ServerResponse, upload: MultipartUpload, key: string): Promise<void> {
    const parts = listedParts(upload, await readText(req));
    if (req.headers['if-none-match'] === '*' && this.#objects.has(key)) throw preconditionFailed();
    const file = this.#file();
    await writeJoined(parts, file);
    this.#uploads.delete(upload.id);
    const { size, etag, checksum } = await joinedObject(parts, upload.algorithm);
    this.#replace(key, { file, size, etag, modified: new Date(), checksum });
    const result = { Location: `/${this.bucket}/${key}`, Bucket: this.bucket, Key: key, ETag: etag };
    const sums: Record<string, string> =
      checksum === undefined ? {} : { ChecksumCRC32: checksum.value, ChecksumType: checksum.type };
    return answer(res, 200, {}, xml('CompleteMultipartUploadResult', { ...result, ...sums }));
  }

  async #get(req: IncomingMessage, res: ServerResponse, key: string, head: boolean): Promise<void> {
    const object = this.#objects.get(key);
    if (object === undefined) {
      if (head) throw new S3Error('NotFound', 'Not Found', 404);
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404);
    }
    const headers: Record<string, string> = {
      etag: object.etag,
      'last-modified': object.modified.toUTCString(),
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
    };
    const range = head ? undefined : req.headers.range;
    let start = 0;
    let end = object.size - 1;
    let status = 200;
    if (range !== undefined) {
      const match = /^bytes=(\d+)-(\d*)$/.exec(range);
      if (match === null) throw notImplemented('a range other than bytes=a-b or bytes=a-');
      start = Number(match[1]);
      end = match[2] === '' ? object.size - 1 : Math.min(Number(match[2]), object.size - 1);
      if (start >= object.size || end < start) {
        throw new S3Error('InvalidRange', 'The requested range is not satisfiable', 416);
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${end}/${object.size}`;
    } else if (req.headers['x-amz-checksum-mode'] === 'ENABLED') {
      Object.assign(headers, checksumHeaders(object.checksum));
    }
    headers['content-length'] = String(end - start + 1);
    res.writeHead(status, { ...headers, 'x-amz-request-id': requestId() });
    if (head || end < start) return void res.end();
    await pipeline(createReadStream(object.file, { start, end }), res);
  }

  #list(res: ServerResponse, query: URLSearchParams): void {
    const prefix = query.get('prefix') ?? '';
    const max = Math.min(Number(query.get('max-keys') ?? 1000), this.maxKeys);
    const after = query.has('continuation-token')
      ? Buffer.from(query.get('continuation-token') ?? '', 'base64url').toString('utf8')
      : (query.get('start-after') ?? '');
    const keys = [...this.#objects.keys()].filter((key) => key.startsWith(prefix) && key > after).sort();
    const page = keys.slice(0, max);
    const truncated = keys.length > page.length;
    const contents = page.map((key) => {
      const object = this.#objects.get(key) as StoredObject;
      const item = {
        Key: key,
        LastModified: object.modified.toISOString(),
        ETag: object.etag,
        Size: String(object.size),
      };
      return `<Contents>${fields({ ...item, StorageClass: 'STANDARD' })}</Contents>`;
    });
    const head: Record<string, string> = {
      Name: this.bucket,
      Prefix: prefix,
      KeyCount: String(page.length),
      MaxKeys: String(max),
      IsTruncated: String(truncated),
    };
    const last = page.at(-1);
    if (truncated && last !== undefined) head.NextContinuationToken = Buffer.from(last).toString('base64url');
    answer(res, 200, {}, xml('ListBucketResult', head, contents.join('')));
  }

  #upload(query: URLSearchParams, key: string): MultipartUpload {
    const upload = this.#uploads.get(query.get('uploadId') ?? '');
    if (upload === undefined || upload.key !== key) {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', 404);
    }
    return upload;
  }

  #file(): string {
    return path.join(this.#dir, randomBytes(16).toString('hex'));
  }

  #replace(key: string, object: StoredObject | undefined): void {
    const old = this.#objects.get(key);
    if (object === undefined) this.#objects.delete(key);
    else this.#objects.set(key, object);
    if (old !== undefined) void rm(old.file, { force: true });
  }
}
