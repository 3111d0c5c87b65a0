/**
 * A client for clamd (ClamAV's daemon) over TCP or its Unix socket: INSTREAM for scans, PING for readiness.
 *
 * Why it looks like this:
 * - The file is streamed, never gathered: the source is pulled only as fast as the socket drains, so memory stays
 *   at one chunk plus the socket's buffers whatever the file's size (and a clamd that stops reading stops the
 *   source instead of filling memory).
 * - clamd may answer before the stream ends (the size limit, or any reply from something else on the port) and
 *   close the connection: the first complete reply wins, sending stops, and nothing is left to raise later.
 * - Every way of not getting a verdict is a ScanError, never a result: callers refuse the upload (fail closed).
 * - Errors name clamd's address and the failure, never file content; a reply that is not a known form is
 *   reported by its length only, since whatever answered might echo what it was sent.
 * - A call settles only after its socket has closed, so a finished scan leaves no connection behind.
 * - clamd spools what it receives to a file in its TemporaryDirectory and scans that (see the operator docs).
 *
 * The protocol (clamd(8)): `zINSTREAM\0`, then chunks of a 4-byte big-endian length and the data, then a
 * zero-length chunk; the reply ends with NUL: `stream: OK`, `stream: <signature> FOUND`,
 * `INSTREAM size limit exceeded. ERROR` (more than StreamMaxLength) or `<reason> ERROR`.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { ScanError, type ScanErrorCode, type Scanner, type ScanResult } from './scanner.ts';

export interface ClamdOptions {
  /** clamd's TCPAddr; default 127.0.0.1. With `port`, instead of `socketPath`. */
  readonly host?: string;
  /** clamd's TCPSocket. */
  readonly port?: number;
  /** clamd's LocalSocket, instead of host and port. */
  readonly socketPath?: string;
  /**
   * Deadline of a scan, from connecting to the verdict, including the time spent waiting for the source: a
   * source that is itself slow (a client's upload) needs a deadline that allows for it. Default 60 s.
   */
  readonly timeoutMs?: number;
  /** Deadline for the connection to be accepted. Default 2 s. */
  readonly connectTimeoutMs?: number;
  /** Deadline of PING and VERSION, which readiness checks call. Default 5 s. */
  readonly commandTimeoutMs?: number;
  /** Largest INSTREAM chunk; larger source chunks are split. Default 64 KiB. */
  readonly chunkBytes?: number;
}

const PING = Buffer.from('zPING\0');
const VERSION = Buffer.from('zVERSION\0');
const INSTREAM = Buffer.from('zINSTREAM\0');
const END_OF_STREAM = Buffer.alloc(4);
/** Far more than any reply clamd sends to these commands; more is not clamd. */
const MAX_REPLY_BYTES = 4096;
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
const MAX_UINT32 = 2 ** 32 - 1;
const PROBE_SILENCE_MS = 500;
const SIZE_LIMIT_EXCEEDED = 'INSTREAM size limit exceeded. ERROR';
const TOO_LARGE =
  "clamd refused the file as larger than its StreamMaxLength, which must be at least TMA's upload limit";

type Endpoint = { readonly path: string } | { readonly host: string; readonly port: number };
type Sender = (socket: Socket, stopped: AbortSignal) => Promise<void>;

export class ClamdScanner implements Scanner {
  readonly #endpoint: Endpoint;
  readonly #timeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #commandTimeoutMs: number;
  readonly #chunkBytes: number;

  constructor(options: ClamdOptions) {
    if (options.socketPath !== undefined) {
      if (options.port !== undefined || options.host !== undefined) {
        throw new TypeError('clamd: give either socketPath or host and port, not both');
      }
      if (options.socketPath === '') throw new TypeError('clamd: socketPath is empty');
      this.#endpoint = { path: options.socketPath };
    } else {
      if (options.port === undefined) throw new TypeError('clamd: give socketPath, or port (and host)');
      this.#endpoint = { host: options.host ?? '127.0.0.1', port: whole('port', options.port, 1, 65_535) };
    }
    this.#timeoutMs = whole('timeoutMs', options.timeoutMs ?? 60_000, 1, 2 ** 31 - 1);
    this.#connectTimeoutMs = whole('connectTimeoutMs', options.connectTimeoutMs ?? 2_000, 1, 2 ** 31 - 1);
    this.#commandTimeoutMs = whole('commandTimeoutMs', options.commandTimeoutMs ?? 5_000, 1, 2 ** 31 - 1);
    this.#chunkBytes = whole('chunkBytes', options.chunkBytes ?? 64 * 1024, 1, MAX_CHUNK_BYTES);
  }

  /** Where clamd is expected, for messages: `host:port` or `unix:path`. */
  toString(): string {
    if ('path' in this.#endpoint) return `unix:${this.#endpoint.path}`;
    const { host, port } = this.#endpoint;
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }

  async scan(source: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<ScanResult> {
    const sent = { bytes: 0 };
    let reply: string;
    try {
      reply = await this.#exchange(this.#timeoutMs, signal, (socket, stopped) =>
        sendStream(socket, source, this.#chunkBytes, stopped, sent),
      );
    } catch (error) {
      // clamd closes the connection right after refusing a file over its StreamMaxLength, and a write to the
      // closed connection can fail before its reply has been read (Node then discards the reply): so when the
      // connection is lost while sending, ask clamd whether it takes as much as was sent.
      if (error instanceof ScanError && error.code === 'unavailable' && sent.bytes > 0 && !signal?.aborted) {
        const accepted = await this.acceptsStreamOf(Math.min(sent.bytes, MAX_UINT32), signal).catch(() => true);
        if (!accepted) throw new ScanError('too_large', TOO_LARGE, { cause: error });
      }
      throw error;
    }
    return parseScanReply(reply);
  }

  /**
   * Whether clamd takes a file of `bytes` in one scan (its StreamMaxLength is at least that), to check the upload
   * limit at start-up. clamd refuses a chunk longer than what is left of its limit as soon as it has read the
   * chunk's length: this announces one chunk of `bytes`, sends none of it, and takes silence for half a second
   * as acceptance (a hung clamd is silent too: ping() first).
   */
  async acceptsStreamOf(bytes: number, signal?: AbortSignal): Promise<boolean> {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(whole('bytes', bytes, 1, MAX_UINT32));
    try {
      const reply = await this.#exchange(
        Math.min(PROBE_SILENCE_MS, this.#commandTimeoutMs),
        signal,
        (socket, stopped) => write(socket, stopped, INSTREAM, length),
      );
      if (reply === SIZE_LIMIT_EXCEEDED) return false;
      throw this.#error('protocol', `answered INSTREAM with ${unrecognised(reply)}`);
    } catch (error) {
      if (error instanceof ScanError && error.code === 'timeout') return true;
      throw error;
    }
  }

  async ping(signal?: AbortSignal): Promise<void> {
    const reply = await this.#exchange(this.#commandTimeoutMs, signal, (socket, stopped) =>
      write(socket, stopped, PING),
    );
    if (reply !== 'PONG') throw this.#error('protocol', `answered PING with ${unrecognised(reply)}`);
  }

  /**
   * clamd's version line: `ClamAV 1.4.6/27500/Sun Nov 29 09:00:00 2026` (engine, database version and date), or
   * `ClamAV 1.4.6` when it has no official database.
   */
  async version(signal?: AbortSignal): Promise<string> {
    const reply = await this.#exchange(this.#commandTimeoutMs, signal, (socket, stopped) =>
      write(socket, stopped, VERSION),
    );
    if (!/^ClamAV [\x20-\x7e]+$/.test(reply)) {
      throw this.#error('protocol', `answered VERSION with ${unrecognised(reply)}`);
    }
    return reply;
  }

  #error(code: ScanErrorCode, problem: string, cause?: unknown): ScanError {
    return new ScanError(code, `clamd at ${this} ${problem}`, cause === undefined ? undefined : { cause });
  }

  /**
   * One connection: sends with `send`, resolves with the NUL-terminated reply. The first of reply, error,
   * deadline or abort decides; the promise settles once the socket has closed.
   */
  #exchange(timeoutMs: number, signal: AbortSignal | undefined, send: Sender): Promise<string> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const stop = new AbortController();
      const received: Buffer[] = [];
      let receivedBytes = 0;
      let outcome: { reply: string } | { error: unknown } | undefined;
      let connected = false;
      const socket = connect('path' in this.#endpoint ? { path: this.#endpoint.path } : { ...this.#endpoint });

      const settle = (result: { reply: string } | { error: unknown }) => {
        if (outcome !== undefined) return;
        outcome = result;
        clearTimeout(connectTimer);
        clearTimeout(deadline);
        signal?.removeEventListener('abort', onAbort);
        stop.abort();
        socket.destroy();
      };
      const fail = (code: ScanErrorCode, problem: string, cause?: unknown) =>
        settle({ error: this.#error(code, problem, cause) });
      const onAbort = () => settle({ error: signal?.reason });

      const connectTimer = setTimeout(
        () => fail('unavailable', `accepted no connection within ${this.#connectTimeoutMs} ms`),
        this.#connectTimeoutMs,
      );
      const deadline = setTimeout(() => fail('timeout', `gave no answer within ${timeoutMs} ms`), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });

      socket.once('connect', () => {
        clearTimeout(connectTimer);
        connected = true;
        if ('host' in this.#endpoint) socket.setNoDelay(true);
        // Socket failures reach the 'error' listener first (it was added first) and settle there; what is
        // left is the source's own failure, which is the caller's to handle and not a scanner fault.
        send(socket, stop.signal).catch((error: unknown) => settle({ error }));
      });
      socket.on('data', (data: Buffer) => {
        const end = data.indexOf(0);
        const part = end === -1 ? data : data.subarray(0, end);
        received.push(part);
        receivedBytes += part.length;
        if (receivedBytes > MAX_REPLY_BYTES) fail('protocol', `sent a reply longer than ${MAX_REPLY_BYTES} bytes`);
        else if (end !== -1) settle({ reply: Buffer.concat(received).toString('latin1') });
      });
      socket.once('end', () => {
        // Every reply to a z-command ends with NUL: a reply cut short is not trusted, however it reads.
        // The one exception, newline-terminated: clamd waited longer than its ReadTimeout for the next chunk.
        if (receivedBytes === 0) fail('unavailable', 'closed the connection without a reply');
        else if (Buffer.concat(received).toString('latin1') === 'COMMAND READ TIMED OUT\n') {
          fail('timeout', 'stopped waiting for the file (its ReadTimeout)');
        } else fail('protocol', `closed the connection in the middle of a reply (${receivedBytes} bytes)`);
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        const problem = connected ? 'lost the connection' : 'is unreachable';
        fail('unavailable', `${problem}: ${error.code ?? error.message}`, error);
      });
      socket.once('close', () => {
        fail('unavailable', 'closed the connection without a reply');
        if (outcome !== undefined && 'reply' in outcome) resolve(outcome.reply);
        else reject(outcome?.error);
      });
    });
  }
}

/** clamd's INSTREAM reply (without its NUL) as a verdict; anything but a verdict throws a ScanError. */
export function parseScanReply(reply: string): ScanResult {
  if (reply === 'stream: OK') return { clean: true };
  const found = /^stream: ([\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?) FOUND$/.exec(reply);
  if (found?.[1] !== undefined) return { clean: false, signature: found[1].slice(0, 200) };
  if (reply === SIZE_LIMIT_EXCEEDED) throw new ScanError('too_large', TOO_LARGE);
  if (/^[\x20-\x7e]{1,200} ERROR$/.test(reply)) {
    throw new ScanError('unavailable', `clamd could not scan the file: ${reply.slice(0, -' ERROR'.length)}`);
  }
  throw new ScanError('protocol', `clamd answered INSTREAM with ${unrecognised(reply)}`);
}

async function sendStream(
  socket: Socket,
  source: AsyncIterable<Uint8Array>,
  chunkBytes: number,
  stopped: AbortSignal,
  sent: { bytes: number },
): Promise<void> {
  await write(socket, stopped, INSTREAM);
  const chunks = source[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    for (;;) {
      const next = await untilStopped(chunks.next(), stopped);
      if (next.done) break;
      const chunk: unknown = next.value;
      if (!(chunk instanceof Uint8Array)) throw new TypeError('a scan source must yield Uint8Array chunks');
      // An empty chunk would read as the end of the stream, so it is skipped by this loop.
      for (let offset = 0; offset < chunk.byteLength; offset += chunkBytes) {
        // A turn of the event loop between pieces: other requests are served while a fast source streams a large
        // file, and a reply clamd sent before closing the connection is mostly read before a write fails on it
        // (scan() covers the rest).
        await new Promise((resolve) => setImmediate(resolve));
        const piece = chunk.subarray(offset, offset + chunkBytes);
        const length = Buffer.allocUnsafe(4);
        length.writeUInt32BE(piece.byteLength);
        sent.bytes += piece.byteLength;
        await write(socket, stopped, length, piece);
      }
    }
    exhausted = true;
  } finally {
    // Lets a generator run its `finally` (close a file, release an upload) when the scan ends early.
    if (!exhausted) release(chunks);
  }
  await write(socket, stopped, END_OF_STREAM);
}

/**
 * Writes the pieces in one system call, then waits for the socket to drain when its buffer is full: the source
 * waits with it.
 */
async function write(socket: Socket, stopped: AbortSignal, ...pieces: Uint8Array[]): Promise<void> {
  stopped.throwIfAborted();
  socket.cork();
  for (const piece of pieces) socket.write(piece);
  socket.uncork();
  if (socket.writableNeedDrain) await once(socket, 'drain', { signal: stopped });
}

/** The promise, unless `stopped` fires first; a later rejection of the promise is then ignored, not unhandled. */
function untilStopped<T>(promise: Promise<T>, stopped: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onStop = () => reject(stopped.reason);
    if (stopped.aborted) onStop();
    else stopped.addEventListener('abort', onStop, { once: true });
    promise.then(
      (value) => {
        stopped.removeEventListener('abort', onStop);
        resolve(value);
      },
      (error: unknown) => {
        stopped.removeEventListener('abort', onStop);
        reject(error);
      },
    );
  });
}

function release(chunks: AsyncIterator<unknown>): void {
  try {
    Promise.resolve(chunks.return?.()).catch(() => undefined);
  } catch {
    // A source whose return() throws has nothing more to release.
  }
}

function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`clamd: ${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function unrecognised(reply: string): string {
  return `an unrecognised reply (${reply.length} bytes)`;
}
