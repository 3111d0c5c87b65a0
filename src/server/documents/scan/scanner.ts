/**
 * What the document service needs from a virus scanner, so that its tests can stand in a scanner that is
 * infected, down or slow without a clamd. When no scanner is configured the service skips scanning; there is
 * deliberately no "null scanner" that answers clean.
 */

export type ScanResult = { readonly clean: true } | { readonly clean: false; readonly signature: string };

/**
 * - unavailable: no connection, the connection was lost, or clamd reported an error instead of a verdict;
 * - timeout: no verdict within the deadline;
 * - too_large: more data than clamd accepts for one stream (its StreamMaxLength);
 * - protocol: an answer that is neither a verdict nor a known error.
 * Each of them means "not known to be clean": callers refuse the upload.
 */
export type ScanErrorCode = 'unavailable' | 'timeout' | 'too_large' | 'protocol';

export class ScanError extends Error {
  readonly code: ScanErrorCode;
  constructor(code: ScanErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScanError';
    this.code = code;
  }
}

export interface Scanner {
  /**
   * Streams the file to the scanner and resolves with its verdict; rejects with a ScanError when there is no
   * verdict, with `signal.reason` when aborted, and with the source's own error when reading the source fails.
   */
  scan(source: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<ScanResult>;
  /** Resolves when the scanner answers; for readiness checks. */
  ping(signal?: AbortSignal): Promise<void>;
}
