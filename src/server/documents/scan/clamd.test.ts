/**
 * The clamd client against fake clamds on loopback: the wire format, and every way of not getting a verdict.
 * clamd-daemon.test.ts runs it against the real one.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { type TestContext, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { closedPort } from '../../../../test/support/ports.ts';
import { type ClamdOptions, ClamdScanner, parseScanReply } from './clamd.ts';
import { ScanError, type ScanErrorCode } from './scanner.ts';

interface Fake {
  readonly port: number;
  /** Every byte each connection sent, by connection. */
  readonly received: Buffer[][];
  /** Connections still open on the server side. */
  open(): number;
}

/** A TCP server standing in for clamd; `behave` decides what each connection does. */
async function fakeClamd(t: TestContext, behave: (socket: Socket, received: Buffer[]) => void): Promise<Fake> {
  const sockets = new Set<Socket>();
  const received: Buffer[][] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const mine: Buffer[] = [];
    received.push(mine);
    socket.on('data', (data: Buffer) => mine.push(data));
    behave(socket, mine);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { port: address.port, received, open: () => sockets.size };
}

/** Replies once the zero-length chunk that ends INSTREAM has arrived. */
function afterStream(reply: string) {
  return (socket: Socket, received: Buffer[]) => {
    socket.on('data', () => {
      const frames = parseFrames(Buffer.concat(received));
      if (frames?.at(-1)?.length === 0) socket.end(`${reply}\0`);
    });
  };
}

/** The INSTREAM chunks sent so far, or undefined before the command is complete. */
function parseFrames(bytes: Buffer): Buffer[] | undefined {
  const command = 'zINSTREAM\0';
  if (bytes.length < command.length) return undefined;
  assert.equal(bytes.subarray(0, command.length).toString('latin1'), command);
  const frames: Buffer[] = [];
  let offset = command.length;
  while (offset + 4 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    if (offset + 4 + length > bytes.length) break;
    frames.push(bytes.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
    if (length === 0) break;
  }
  return frames;
}

/** A source that never ends; `produced` counts its bytes, `released` tells whether its `finally` ran. */
function endless(chunkBytes = 64 * 1024) {
  const state = { produced: 0, released: false };
  async function* source(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        state.produced += chunkBytes;
        yield Buffer.alloc(chunkBytes, 0x61);
      }
    } finally {
      state.released = true;
    }
  }
  return { state, source: source() };
}

async function* from(...chunks: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

async function refused(promise: Promise<unknown>, code: ScanErrorCode): Promise<ScanError> {
  let error: unknown;
  await assert.rejects(promise, (e: unknown) => {
    error = e;
    return e instanceof ScanError && e.code === code;
  });
  return error as ScanError;
}

async function timed<T>(promise: Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await promise;
  return [value, Math.round(performance.now() - started)];
}

async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await sleep(10);
  assert.ok(condition(), what);
}

const scanner = (port: number, options: Omit<ClamdOptions, 'port' | 'host' | 'socketPath'> = {}) =>
  new ClamdScanner({ port, ...options });
const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

test('INSTREAM on the wire: the command, chunks of at most chunkBytes, no empty chunk, a zero-length end', async (t) => {
  const fake = await fakeClamd(t, afterStream('stream: OK'));
  const result = await scanner(fake.port, { chunkBytes: 4 }).scan(from('abc', '', 'defghijklm', new Uint8Array()));
  assert.deepEqual(result, { clean: true });
  const frames = parseFrames(Buffer.concat(fake.received[0] ?? []));
  assert.deepEqual(
    frames?.map((f) => f.toString()),
    ['abc', 'defg', 'hijk', 'lm', ''],
  );
  assert.equal(fake.received.length, 1, 'one connection');
});

test('the replies: OK is clean, FOUND names the signature, anything else is a typed refusal', () => {
  assert.deepEqual(parseScanReply('stream: OK'), { clean: true });
  assert.deepEqual(parseScanReply('stream: Eicar-Test-Signature.UNOFFICIAL FOUND'), {
    clean: false,
    signature: 'Eicar-Test-Signature.UNOFFICIAL',
  });
  assert.deepEqual(parseScanReply('stream: Heuristics.Limits.Exceeded.MaxFileSize FOUND'), {
    clean: false,
    signature: 'Heuristics.Limits.Exceeded.MaxFileSize',
  });
  const cases: [string, ScanErrorCode][] = [
    ['INSTREAM size limit exceeded. ERROR', 'too_large'],
    ['Error writing to temporary file. ERROR', 'unavailable'],
    ['stream: OK but not quite', 'protocol'],
    ['stream:  FOUND', 'protocol'],
    ['stream: Bad\u0007Name FOUND', 'protocol'],
    ['UNKNOWN COMMAND', 'protocol'],
    ['', 'protocol'],
  ];
  for (const [reply, code] of cases) {
    assert.throws(
      () => parseScanReply(reply),
      (e: unknown) => e instanceof ScanError && e.code === code,
      reply,
    );
  }
});

test('a FOUND before the end: infected, sending stops and the source is released', async (t) => {
  const fake = await fakeClamd(t, (socket) => {
    socket.once('data', () => socket.end('stream: Fake.Early FOUND\0'));
  });
  const { state, source } = endless();
  assert.deepEqual(await scanner(fake.port).scan(source), { clean: false, signature: 'Fake.Early' });
  await eventually(() => state.released, 'the generator ran its finally');
  assert.ok(state.produced < 64 * 1024 * 1024, `${state.produced} bytes produced`);
  await eventually(() => fake.open() === 0, 'the connection is closed');
});

test('a closed port or a missing socket file: unavailable at once', async (t) => {
  const [error, ms] = await timed(refused(scanner(await closedPort()).scan(from('x')), 'unavailable'));
  assert.match(error.message, /ECONNREFUSED/);
  const [missing, socketMs] = await timed(
    refused(new ClamdScanner({ socketPath: '/nonexistent/clamd.ctl' }).ping(), 'unavailable'),
  );
  assert.match(missing.message, /^clamd at unix:\/nonexistent\/clamd.ctl is unreachable: ENOENT$/);
  t.diagnostic(`refused: ${ms} ms, no socket file: ${socketMs} ms`);
  assert.ok(ms < 1000 && socketMs < 1000, `${ms} ms, ${socketMs} ms`);
});

test('a clamd that takes the file and never answers: timeout at the deadline, connection closed', async (t) => {
  const fake = await fakeClamd(t, () => {});
  const [error, ms] = await timed(refused(scanner(fake.port, { timeoutMs: 300 }).scan(from('x')), 'timeout'));
  t.diagnostic(`silent clamd: ${ms} ms (deadline 300 ms)`);
  assert.equal(error.message, `clamd at 127.0.0.1:${fake.port} gave no answer within 300 ms`);
  assert.ok(ms >= 290 && ms < 1500, `${ms} ms`);
  await eventually(() => fake.open() === 0, 'the connection is closed');
});

test('a clamd that stops reading: the source is held back, then the deadline ends the scan', async (t) => {
  const fake = await fakeClamd(t, (socket) => socket.pause());
  const { state, source } = endless();
  const [, ms] = await timed(refused(scanner(fake.port, { timeoutMs: 500 }).scan(source), 'timeout'));
  t.diagnostic(`stalled clamd: ${state.produced} bytes produced in ${ms} ms`);
  // Loopback socket buffers hold a few MiB; an unbounded writer would have produced gigabytes by now.
  assert.ok(state.produced < 32 * 1024 * 1024, `${state.produced} bytes produced`);
  await eventually(() => state.released, 'the generator ran its finally');
});

test('an aborted scan rejects with the reason and leaves no connection and no source behind', async (t) => {
  const fake = await fakeClamd(t, () => {});
  await eventually(() => sockets() === 0, 'the sockets of earlier tests are gone');
  const { state, source } = endless();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(scanner(fake.port).scan(source, controller.signal), { name: 'AbortError' });
  await eventually(() => fake.open() === 0, 'the server saw the connection close');
  assert.equal(sockets(), 0, 'no socket left in this process');
  await eventually(() => state.released, 'the generator ran its finally');

  const reason = new Error('upload cancelled');
  await assert.rejects(scanner(fake.port).scan(from('x'), AbortSignal.abort(reason)), reason);
  assert.equal(fake.received.length, 1, 'an already aborted scan does not connect');
});

test('no complete reply: closed at once is unavailable; cut short, endless or too long is a protocol error', async (t) => {
  const closes = await fakeClamd(t, (socket) => socket.once('data', () => socket.end()));
  await refused(scanner(closes.port).scan(from('x')), 'unavailable');
  const resets = await fakeClamd(t, (socket) => socket.once('data', () => socket.resetAndDestroy()));
  await refused(scanner(resets.port).scan(endless().source), 'unavailable');
  const cutShort = await fakeClamd(t, (socket) => socket.once('data', () => socket.end('stream: OK')));
  await refused(scanner(cutShort.port).scan(from('x')), 'protocol');
  const readTimeout = await fakeClamd(t, (socket) => socket.end('COMMAND READ TIMED OUT\n'));
  await refused(scanner(readTimeout.port).scan(from('x')), 'timeout');
  const trickles = await fakeClamd(t, (socket) => {
    const timer = setInterval(() => socket.write('s'), 20);
    socket.on('close', () => clearInterval(timer));
  });
  await refused(scanner(trickles.port, { timeoutMs: 300 }).scan(from('x')), 'timeout');
  const floods = await fakeClamd(t, (socket) => socket.write(Buffer.alloc(5000, 0x73)));
  await refused(scanner(floods.port).scan(from('x')), 'protocol');
});

/**
 * Refuses a chunk announced longer than `limit`, as clamd does, and otherwise waits for data; with `resetFirst`,
 * resets the first connection once a chunk has arrived.
 */
async function limitedClamd(t: TestContext, limit: number, resetFirst: boolean): Promise<Fake> {
  let connections = 0;
  return fakeClamd(t, (socket, received) => {
    const first = resetFirst && connections++ === 0;
    socket.on('data', () => {
      const bytes = Buffer.concat(received);
      if (bytes.length < 'zINSTREAM\0'.length + 4) return;
      if (first) socket.resetAndDestroy();
      else if (bytes.readUInt32BE('zINSTREAM\0'.length) > limit) socket.end('INSTREAM size limit exceeded. ERROR\0');
    });
  });
}

test('the connection lost while sending: too_large if clamd refuses that much when asked, else unavailable', async (t) => {
  const small = await limitedClamd(t, 1000, true);
  const tooLarge = await refused(scanner(small.port).scan(endless().source), 'too_large');
  assert.match(String(tooLarge.cause), /lost the connection: ECONNRESET/);
  const probe = Buffer.concat(small.received[1] ?? []);
  assert.equal(probe.subarray(0, 10).toString('latin1'), 'zINSTREAM\0');
  assert.ok(probe.readUInt32BE(10) >= 64 * 1024, 'announces at least what was sent');
  assert.equal(probe.length, 14, 'and sends none of it');

  const large = await limitedClamd(t, 2 ** 32 - 1, true);
  const [error, ms] = await timed(refused(scanner(large.port).scan(endless().source), 'unavailable'));
  assert.match(error.message, /lost the connection: ECONNRESET/);
  assert.ok(ms >= 450 && ms < 1500, `${ms} ms: half a second of silence is acceptance`);
  t.diagnostic(`lost connection, limit not exceeded: unavailable after ${ms} ms`);
});

test('acceptsStreamOf: announces a chunk, refused means StreamMaxLength is smaller', async (t) => {
  const fake = await limitedClamd(t, 1000, false);
  assert.equal(await scanner(fake.port).acceptsStreamOf(1000), true);
  assert.equal(await scanner(fake.port).acceptsStreamOf(1001), false);
  await assert.rejects(scanner(fake.port).acceptsStreamOf(0), RangeError);
  await refused(scanner(await closedPort()).acceptsStreamOf(1000), 'unavailable');
});

test('errors never carry file content, even from a peer that echoes it', async (t) => {
  const secret = 'CONFIDENTIAL-REPORT-8d1f';
  const echoes = await fakeClamd(t, (socket, received) => {
    socket.on('data', () => {
      const frames = parseFrames(Buffer.concat(received));
      if (frames?.at(-1)?.length === 0) socket.end(Buffer.concat([...frames, Buffer.from([0])]));
    });
  });
  const errors = [
    await refused(scanner(echoes.port).scan(from(secret)), 'protocol'),
    await refused(scanner(await closedPort()).scan(from(secret)), 'unavailable'),
  ];
  for (const error of errors) {
    const printed = `${String(error)} ${inspect(error, { showHidden: true, depth: Infinity })} ${JSON.stringify(error)}`;
    assert.ok(!printed.includes(secret), printed);
  }
});

test('the source fails: the scan rejects with its error and closes the connection', async (t) => {
  const fake = await fakeClamd(t, () => {});
  const broken = new Error('upload interrupted');
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('part');
    throw broken;
  }
  await assert.rejects(scanner(fake.port).scan(failing()), broken);
  await eventually(() => fake.open() === 0, 'the connection is closed');
  async function* text(): AsyncGenerator<Uint8Array> {
    yield 'not bytes' as unknown as Uint8Array;
  }
  await assert.rejects(scanner(fake.port).scan(text()), TypeError);
});

test('PING and VERSION', async (t) => {
  const fake = await fakeClamd(t, (socket) => {
    socket.once('data', (d: Buffer) => {
      const command = d.toString('latin1');
      socket.end(
        command === 'zPING\0' ? 'PONG\0' : command === 'zVERSION\0' ? 'ClamAV 1.4.6/1/Sun Nov 29\0' : 'PANG\0',
      );
    });
  });
  await scanner(fake.port).ping();
  assert.equal(await scanner(fake.port).version(), 'ClamAV 1.4.6/1/Sun Nov 29');
  const wrong = await fakeClamd(t, (socket) => socket.end('PANG\0'));
  await refused(scanner(wrong.port).ping(), 'protocol');
  const silent = await fakeClamd(t, () => {});
  const [, ms] = await timed(refused(scanner(silent.port, { commandTimeoutMs: 200 }).ping(), 'timeout'));
  assert.ok(ms < 1000, `${ms} ms`);
});

test('options: one endpoint, sane numbers', () => {
  assert.throws(() => new ClamdScanner({}), TypeError);
  assert.throws(() => new ClamdScanner({ socketPath: '/run/clamd.ctl', port: 3310 }), TypeError);
  assert.throws(() => new ClamdScanner({ port: 0 }), RangeError);
  assert.throws(() => new ClamdScanner({ port: 3310, chunkBytes: 0 }), RangeError);
  assert.throws(() => new ClamdScanner({ port: 3310, timeoutMs: Number.NaN }), RangeError);
  assert.equal(String(new ClamdScanner({ port: 3310 })), '127.0.0.1:3310');
  assert.equal(String(new ClamdScanner({ host: '::1', port: 3310 })), '[::1]:3310');
  assert.equal(String(new ClamdScanner({ socketPath: '/run/clamav/clamd.ctl' })), 'unix:/run/clamav/clamd.ctl');
});
