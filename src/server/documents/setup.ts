import type { Logger } from 'pino';
import { ConfigError, type DocumentsConfig } from '../config.ts';
import type { BlobStore } from './blobs/blob-store.ts';
import { LocalBlobStore } from './blobs/local-blob-store.ts';
import { S3BlobStore } from './blobs/s3-blob-store.ts';
import { ClamdScanner } from './scan/clamd.ts';

/** The blob store the configuration names: a directory inside the data directory, or S3. */
export function openBlobStore(config: DocumentsConfig): BlobStore {
  const store = config.store;
  if (store.kind === 'local') return new LocalBlobStore({ directory: store.directory });
  return new S3BlobStore({
    region: store.region,
    bucket: store.bucket,
    endpoint: store.endpoint,
    forcePathStyle: store.forcePathStyle,
    keyPrefix: store.keyPrefix,
    kmsKeyId: store.kmsKeyId,
  });
}

/** clamd, when configured; every upload is then scanned and refused when clamd cannot answer. */
export function openScanner(config: DocumentsConfig): ClamdScanner | undefined {
  const clamd = config.clamd;
  if (clamd === undefined) return undefined;
  return 'socketPath' in clamd
    ? new ClamdScanner({ socketPath: clamd.socketPath, timeoutMs: clamd.timeoutMs })
    : new ClamdScanner({ host: clamd.host, port: clamd.port, timeoutMs: clamd.timeoutMs });
}

/**
 * At start-up: clamd must take a whole upload in one stream (StreamMaxLength at least the upload
 * limit), or files near the limit would be refused as too large while smaller ones pass: a
 * mismatch stops the start with the fix. A clamd that does not answer does not: uploads are
 * refused until it does (fail closed), and the log says so.
 */
export async function checkScanner(scanner: ClamdScanner, uploadLimitBytes: number, log: Logger): Promise<void> {
  let accepts: boolean;
  try {
    await scanner.ping();
    accepts = await scanner.acceptsStreamOf(uploadLimitBytes);
  } catch (error) {
    log.error({ err: error }, 'clamd does not answer: uploads are refused until it does');
    return;
  }
  if (!accepts) {
    throw new ConfigError([
      `TMA_UPLOAD_LIMIT_BYTES: ${uploadLimitBytes} is more than clamd's StreamMaxLength: set StreamMaxLength to at least that in clamd.conf, or lower the limit`,
    ]);
  }
}
