import type { DocumentsConfig } from '../config.ts';
import type { BlobStore } from './blobs/blob-store.ts';
import { LocalBlobStore } from './blobs/local-blob-store.ts';
import { S3BlobStore } from './blobs/s3-blob-store.ts';
import { ClamdScanner } from './scan/clamd.ts';
import type { Scanner } from './scan/scanner.ts';

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
export function openScanner(config: DocumentsConfig): Scanner | undefined {
  const clamd = config.clamd;
  if (clamd === undefined) return undefined;
  return 'socketPath' in clamd
    ? new ClamdScanner({ socketPath: clamd.socketPath, timeoutMs: clamd.timeoutMs })
    : new ClamdScanner({ host: clamd.host, port: clamd.port, timeoutMs: clamd.timeoutMs });
}
