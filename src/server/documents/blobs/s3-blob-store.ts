import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import {
  assertBlobName,
  assertBlobPrefix,
  assertRange,
  type BlobInfo,
  BlobMissingError,
  type BlobSource,
  type BlobStore,
  BlobStoreError,
  CountedBody,
  type PutOptions,
} from './blob-store.ts';
import { type ObjectTarget, writeObject } from './s3-multipart.ts';

/**
 * Blobs as objects of an S3 bucket (or an S3-compatible store), under `<keyPrefix><name>`.
 *
 * A put streams through `writeObject` (s3-multipart.ts): one PutObject for a body under a part, else a
 * multipart upload of 8 MiB parts, at most `queueSize` of them in flight and queueSize + 1 in memory. S3
 * makes the object appear only when PutObject or CompleteMultipartUpload succeeds, so a failed put
 * leaves nothing under the name, and the multipart upload of a failed or aborted put is aborted before
 * put rejects. What a crash leaves (an unfinished multipart upload, invisible but billed) `sweepPending`
 * aborts; an AbortIncompleteMultipartUpload lifecycle rule on the bucket does the same.
 *
 * `If-None-Match: *` makes a put of a taken name fail (412) instead of replacing the object; turn
 * `conditionalWrites` off for an S3-compatible store that does not support it.
 *
 * Bounded: each attempt's connection, wait for the answer and idle socket are limited to timeoutMs, with
 * maxAttempts attempts; the calls without a body to stream (size, delete, list pages, check) also have
 * an overall deadline. Errors say the call and the S3 error code only, never the SDK's message.
 */
export type S3Credentials = NonNullable<S3ClientConfig['credentials']>;

export interface S3BlobStoreOptions {
  readonly region: string;
  readonly bucket: string;
  /** An S3-compatible store or a VPC endpoint; otherwise the region's S3 endpoint. */
  readonly endpoint?: string | undefined;
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`), which most S3-compatible stores need. */
  readonly forcePathStyle?: boolean | undefined;
  /** Prepended to every name, e.g. 'tma/documents/'; the store owns every key under it. */
  readonly keyPrefix?: string | undefined;
  /** SSE-KMS under this key; otherwise the bucket's default encryption applies. */
  readonly kmsKeyId?: string | undefined;
  /** If-None-Match on writes; default true. */
  readonly conditionalWrites?: boolean | undefined;
  /** Per attempt; default 30000. A part of 8 MiB must be sent within it. */
  readonly timeoutMs?: number | undefined;
  /** Attempts per call, the first included; default 3. */
  readonly maxAttempts?: number | undefined;
  /**
   * CRC32 on every upload (WHEN_SUPPORTED, the default, as S3 wants) or only where S3 requires one: for
   * an S3-compatible store that refuses x-amz-checksum-* headers. Never taken from the environment.
   */
  readonly requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED' | undefined;
  /** Parts uploaded at once, each held in memory: default 2. */
  readonly queueSize?: number | undefined;
  readonly credentials?: S3Credentials | undefined;
}

const PART_SIZE = 8 * 1024 * 1024;
const KEY_PREFIX = /^([A-Za-z0-9_-][A-Za-z0-9._-]*\/)*$/;
const NAME = /^[a-z0-9][a-z0-9-]{15,127}$/;
// Per attempt, room in the overall deadline for the SDK's backoff and for its own timeouts to fire first.
const BACKOFF_ALLOWANCE_MS = 1000;

export class S3BlobStore implements BlobStore {
  readonly name = 's3' as const;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #kmsKeyId: string | undefined;
  readonly #conditional: boolean;
  readonly #queueSize: number;
  readonly #checksums: boolean;
  readonly #deadlineMs: number;

  constructor(options: S3BlobStoreOptions) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const maxAttempts = options.maxAttempts ?? 3;
    const queueSize = options.queueSize ?? 2;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new TypeError('timeoutMs is a positive integer');
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) {
      throw new TypeError('maxAttempts is an integer from 1 to 10');
    }
    if (!Number.isInteger(queueSize) || queueSize < 1 || queueSize > 8) {
      throw new TypeError('queueSize is an integer from 1 to 8');
    }
    if (options.bucket.trim() === '') throw new TypeError('a bucket is needed');
    const keyPrefix = options.keyPrefix ?? '';
    if (!KEY_PREFIX.test(keyPrefix)) {
      throw new TypeError("the key prefix is empty or path segments each ending in '/', without '..'");
    }
    if (options.kmsKeyId?.trim() === '') throw new TypeError('kmsKeyId, if given, is a KMS key id or ARN');
    this.#bucket = options.bucket;
    this.#prefix = keyPrefix;
    this.#kmsKeyId = options.kmsKeyId;
    this.#conditional = options.conditionalWrites ?? true;
    this.#queueSize = queueSize;
    this.#checksums = (options.requestChecksumCalculation ?? 'WHEN_SUPPORTED') === 'WHEN_SUPPORTED';
    this.#deadlineMs = maxAttempts * (timeoutMs + BACKOFF_ALLOWANCE_MS);
    this.#client = new S3Client({
      region: options.region,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      forcePathStyle: options.forcePathStyle ?? false,
      maxAttempts,
      // Explicit, so the SDK neither reads them from the environment nor resolves 'auto' defaults.
      retryMode: 'standard',
      requestChecksumCalculation: options.requestChecksumCalculation ?? 'WHEN_SUPPORTED',
      // A whole object's CRC32 is checked whenever S3 gives one (a single put's; not a multipart's composite).
      responseChecksumValidation: 'WHEN_SUPPORTED',
      requestHandler: {
        connectionTimeout: Math.min(timeoutMs, 5000),
        requestTimeout: timeoutMs,
        // Without it a request over requestTimeout is only logged as a warning and goes on waiting.
        throwOnRequestTimeout: true,
        // Bounds a stalled body either way, which requestTimeout (up to the answer's headers) does not.
        socketTimeout: timeoutMs,
      },
    });
  }

  async put(name: string, body: BlobSource, options: PutOptions = {}): Promise<{ size: number }> {
    assertBlobName(name);
    const { signal } = options;
    signal?.throwIfAborted();
    // Aborted by the caller, or by a part that failed: either stops reading the body and the parts in flight.
    const cancel = new AbortController();
    const stop = signal === undefined ? cancel.signal : AbortSignal.any([signal, cancel.signal]);
    const source = new CountedBody(body, stop);
    try {
      await writeObject(this.#target(name), source.chunks, cancel, stop);
    } catch (e) {
      source.abandon();
      if (signal?.aborted) throw signal.reason;
      if (source.isBodyError(e)) throw e;
      throw this.#failure(e, name, `put ${name}`);
    }
    if (signal?.aborted) {
      // Aborted while the object was being created: take it back, so that aborted means nothing.
      await this.delete(name).catch(() => {});
      throw signal.reason;
    }
    return { size: source.bytes };
  }

  async size(name: string): Promise<number> {
    assertBlobName(name);
    const out = await this.#send(name, `size ${name}`, (abortSignal) =>
      this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key(name) }), { abortSignal }),
    );
    return out.ContentLength ?? 0;
  }

  read(name: string, start?: number, endInclusive?: number): AsyncIterable<Uint8Array> {
    assertBlobName(name);
    assertRange(start, endInclusive);
    return this.#read(name, start, endInclusive);
  }

  async *#read(name: string, start: number | undefined, endInclusive: number | undefined): AsyncGenerator<Uint8Array> {
    const range = start === undefined ? undefined : `bytes=${start}-${endInclusive ?? ''}`;
    let body: Readable | undefined;
    try {
      // No deadline here: it would cut the body short; the socket's idle timeout bounds a stalled one.
      const out = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: this.#key(name),
          ...(range === undefined ? {} : { Range: range }),
        }),
      );
      body = out.Body as Readable | undefined;
    } catch (e) {
      throw this.#failure(e, name, `read ${name}`);
    }
    if (body === undefined) return;
    try {
      for await (const chunk of body as AsyncIterable<Uint8Array>) yield chunk;
    } catch (e) {
      // A connection lost mid-body, or the SDK's CRC32 of the whole object not matching.
      throw new BlobStoreError('unavailable', `read ${name}: the body broke off (${errorName(e)})`);
    } finally {
      body.destroy();
    }
  }

  async delete(name: string): Promise<void> {
    assertBlobName(name);
    // S3 answers 204 whether or not the object existed: idempotent as it is.
    await this.#send(name, `delete ${name}`, (abortSignal) =>
      this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(name) }), { abortSignal }),
    );
  }

  list(prefix = ''): AsyncIterable<BlobInfo> {
    assertBlobPrefix(prefix);
    return this.#list(prefix);
  }

  async *#list(prefix: string): AsyncGenerator<BlobInfo> {
    let token: string | undefined;
    do {
      const out = await this.#send(undefined, 'list', (abortSignal) =>
        this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
            Prefix: this.#prefix + prefix,
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
          { abortSignal },
        ),
      );
      for (const object of out.Contents ?? []) {
        const name = object.Key?.slice(this.#prefix.length) ?? '';
        // Anything else under the prefix is not a blob of ours: never offered to the sweeper.
        if (!NAME.test(name)) continue;
        yield { name, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async sweepPending(olderThan: Date): Promise<number> {
    let removed = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const out = await this.#send(undefined, 'sweep', (abortSignal) =>
        this.#client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.#bucket,
            Prefix: this.#prefix,
            ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
          }),
          { abortSignal },
        ),
      );
      for (const pending of out.Uploads ?? []) {
        const { Key, UploadId, Initiated } = pending;
        if (Key === undefined || UploadId === undefined || !NAME.test(Key.slice(this.#prefix.length))) continue;
        // Initiated is when the upload began, not its last part: hence a cutoff past the longest upload.
        if (Initiated === undefined || Initiated >= olderThan) continue;
        try {
          await this.#send(undefined, 'sweep', (abortSignal) =>
            this.#client.send(new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key, UploadId }), {
              abortSignal,
            }),
          );
          removed++;
        } catch (e) {
          // Completed or aborted meanwhile: nothing left to sweep.
          if (!(e instanceof BlobMissingError)) throw e;
        }
      }
      const more = out.IsTruncated === true;
      keyMarker = more ? out.NextKeyMarker : undefined;
      uploadIdMarker = more ? out.NextUploadIdMarker : undefined;
    } while (keyMarker !== undefined);
    return removed;
  }

  async check(): Promise<void> {
    try {
      await this.#send(undefined, 'check', (abortSignal) =>
        this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }), { abortSignal }),
      );
    } catch (e) {
      // A bucket that is not there (404) is a store that cannot be written, not a missing blob.
      if (e instanceof BlobMissingError) throw new BlobStoreError('unavailable', 'check: NotFound');
      throw e;
    }
  }

  /** Closes the client's pooled connections. */
  close(): void {
    this.#client.destroy();
  }

  #target(name: string): ObjectTarget {
    return {
      client: this.#client,
      bucket: this.#bucket,
      key: this.#key(name),
      partSize: PART_SIZE,
      queueSize: this.#queueSize,
      checksums: this.#checksums,
      create: {
        ContentType: 'application/octet-stream',
        ...(this.#conditional ? { IfNoneMatch: '*' } : {}),
        ...(this.#kmsKeyId === undefined ? {} : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.#kmsKeyId }),
      },
    };
  }

  #key(name: string): string {
    return this.#prefix + name;
  }

  /** One call without a body to stream, under an overall deadline over the SDK's attempts and backoff. */
  async #send<T>(name: string | undefined, what: string, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const deadline = AbortSignal.timeout(this.#deadlineMs);
    try {
      return await call(deadline);
    } catch (e) {
      if (deadline.aborted) throw new BlobStoreError('unavailable', `${what}: deadline exceeded`);
      throw this.#failure(e, name, what);
    }
  }

  #failure(error: unknown, name: string | undefined, what: string): Error {
    const code = errorName(error);
    const status = httpStatus(error);
    if (code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchUpload') {
      return new BlobMissingError(name ?? '', 's3');
    }
    if (code === 'InvalidRange' || status === 416)
      return new RangeError(`${what}: the range starts past the blob's end`);
    if (code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || status === 412) {
      return new BlobStoreError('exists', name);
    }
    // Network errors, timeouts, throttling, 5xx, AccessDenied, NoSuchBucket: S3 cannot answer for us now.
    return new BlobStoreError('unavailable', `${what}: ${code}${status === undefined ? '' : ` ${status}`}`);
  }
}

function errorName(error: unknown): string {
  for (const field of ['name', 'code'] as const) {
    const value =
      typeof error === 'object' && error !== null && field in error
        ? (error as Record<string, unknown>)[field]
        : undefined;
    // Error names and codes only: a value that could be anything else is not repeated.
    if (typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(value) && value !== 'Error') return value;
  }
  return 'error';
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = error.$metadata as { httpStatusCode?: unknown } | undefined;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}
