import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

/**
 * One object written from a stream: a PutObject if the body fits in one part, else a multipart upload.
 *
 * Not lib-storage's Upload, for two reasons found in use. Memory: Upload concatenates every part into a
 * fresh 8 MiB buffer, and those pile up until V8 gets round to collecting them: a 200 MiB upload grew
 * the process by 72-80 MiB, against 26 MiB here (measured with the server in another process), where at
 * most queueSize + 1 part buffers exist per put and are reused. Aborting: Upload.abort() rejects at once,
 * while parts are still in flight and before AbortMultipartUpload goes out (if it does), and parts in
 * flight cannot be cancelled; here a failure or an abort cancels the parts in flight, waits for them,
 * aborts the multipart upload, and only then rejects.
 *
 * The object appears only when PutObject or CompleteMultipartUpload succeeds. Those two calls are never
 * cancelled halfway (S3 could have created the object without our knowing); the caller takes an object
 * back itself if it was aborted meanwhile.
 */
export interface ObjectTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly partSize: number;
  /** Parts in flight at once. */
  readonly queueSize: number;
  /** Whether to ask for CRC32 checksums on the parts (requestChecksumCalculation WHEN_SUPPORTED). */
  readonly checksums: boolean;
  /** If-None-Match, SSE and content type: given to PutObject, CreateMultipartUpload and CompleteMultipartUpload. */
  readonly create: {
    readonly ContentType: string;
    readonly IfNoneMatch?: string;
    readonly ServerSideEncryption?: 'aws:kms';
    readonly SSEKMSKeyId?: string;
  };
}

/**
 * Writes `chunks` to the target. `stop` (the caller's abort, or `cancel`) cancels the parts in flight; a
 * part that fails aborts `cancel`, so that the body stops being read too. On any failure the multipart
 * upload is aborted before this rejects, with the failed part's error if there is one (if the abort
 * fails too, `sweepPending` finds the upload later).
 */
export async function writeObject(
  target: ObjectTarget,
  chunks: AsyncIterable<Uint8Array>,
  cancel: AbortController,
  stop: AbortSignal,
): Promise<void> {
  const { client, bucket, key, partSize, create } = target;
  const { IfNoneMatch, ...createOnly } = create;
  const reader = new PartReader(chunks);
  // The first part's chunks as they come: a small body (most documents) costs its size, not a part buffer.
  const head: Uint8Array[] = [];
  let length = 0;
  while (length < partSize && (await reader.more())) {
    const chunk = reader.take(partSize - length);
    head.push(chunk);
    length += chunk.byteLength;
  }
  if (!(await reader.more())) {
    const Body = Buffer.concat(head, length);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body, ...create }));
    return;
  }
  const first = Buffer.allocUnsafe(partSize);
  let offset = 0;
  for (const chunk of head.splice(0)) {
    first.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const algorithm = target.checksums ? { ChecksumAlgorithm: 'CRC32' as const } : {};
  const created = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...createOnly, ...algorithm }),
  );
  const uploadId = created.UploadId;
  if (uploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');
  const parts: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  const free: Buffer[] = [];
  let failure: { error: unknown } | undefined;
  let cancelling = false;
  const uploadPart = (buffer: Buffer, size: number, PartNumber: number) => {
    const part = client
      .send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber,
          Body: buffer.subarray(0, size),
          ...algorithm,
        }),
        { abortSignal: stop },
      )
      .then((out) => {
        if (out.ETag === undefined) throw new Error(`UploadPart ${PartNumber} returned no ETag`);
        parts.push({
          PartNumber,
          ETag: out.ETag,
          ...(out.ChecksumCRC32 === undefined ? {} : { ChecksumCRC32: out.ChecksumCRC32 }),
        });
        free.push(buffer);
      })
      // Kept, not thrown: nobody may be waiting on this part when it fails (the body is being read).
      .catch((error: unknown) => {
        // A part we cancelled ourselves failed because of the failure being handled, not on its own.
        if (cancelling) return;
        failure ??= { error };
        cancel.abort();
      })
      .finally(() => inFlight.delete(part));
    inFlight.add(part);
  };
  // A function, not a test inline: the parts set `failure` from callbacks, which narrowing cannot see.
  const throwIfFailed = () => {
    if (failure !== undefined) throw failure.error;
  };
  try {
    let buffer: Buffer = first;
    let size = length;
    for (let number = 1; ; number++) {
      uploadPart(buffer, size, number);
      if (!(await reader.more())) break;
      while (inFlight.size >= target.queueSize) {
        throwIfFailed();
        await Promise.race(inFlight);
      }
      throwIfFailed();
      // Buffers in flight are at most queueSize, so one of queueSize + 1 is free or yet to be made.
      buffer = free.pop() ?? Buffer.allocUnsafe(partSize);
      size = await reader.fill(buffer);
      throwIfFailed();
    }
    await Promise.all(inFlight);
    throwIfFailed();
    parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
        ...(IfNoneMatch === undefined ? {} : { IfNoneMatch }),
      }),
    );
  } catch (e) {
    // Parts still arriving after the abort would be stored again: cancel them and let them settle first.
    cancelling = true;
    cancel.abort();
    await Promise.all(inFlight);
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => {});
    throw failure === undefined ? e : failure.error;
  }
}

/** Fills part buffers from a body of chunks of any size, one chunk of lookahead at most. */
class PartReader {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #pending: Uint8Array | undefined;
  #done = false;

  constructor(chunks: AsyncIterable<Uint8Array>) {
    this.#iterator = chunks[Symbol.asyncIterator]();
  }

  /** Whether any byte is left, reading ahead one chunk to know. */
  async more(): Promise<boolean> {
    while (this.#pending === undefined || this.#pending.byteLength === 0) {
      if (this.#done) return false;
      const step = await this.#iterator.next();
      if (step.done === true) this.#done = true;
      else this.#pending = step.value;
    }
    return true;
  }

  /** At most `max` bytes of the next chunk (which more() has made sure of), without copying them. */
  take(max: number): Uint8Array {
    const pending = this.#pending as Uint8Array;
    const chunk = pending.byteLength <= max ? pending : pending.subarray(0, max);
    this.#pending = chunk === pending ? undefined : pending.subarray(max);
    return chunk;
  }

  /** Copies bytes into `buffer` until it is full or the body ends; how many. */
  async fill(buffer: Buffer): Promise<number> {
    let length = 0;
    while (length < buffer.length && (await this.more())) {
      const chunk = this.take(buffer.length - length);
      buffer.set(chunk, length);
      length += chunk.byteLength;
    }
    return length;
  }
}
