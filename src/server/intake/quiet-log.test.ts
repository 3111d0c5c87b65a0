import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { QuietLog } from './quiet-log.ts';

test('failures are counted by kind, without their messages, and told in one line at the flush', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const quiet = new QuietLog(pino({ level: 'info' }, sink), 60_000);
  const secret = new Error('duplicate key value (reference)=(K7QM3VXH)');
  secret.name = 'DatabaseError';
  quiet.error({ reqId: 'r1', err: secret }, 'unhandled error');
  quiet.error({ reqId: 'r2', err: secret }, 'unhandled error');
  quiet.warn({ reqId: 'r3', problem: 'unavailable' }, 'key provider unavailable');
  assert.equal(lines.length, 0, 'nothing is written when it happens');
  assert.equal(quiet.pending, 3);
  quiet.close();
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0] as string) as { anonymousChannel: { failures: Record<string, number> } };
  assert.deepEqual(line.anonymousChannel.failures, {
    'error:unhandled error:DatabaseError': 2,
    'warn:key provider unavailable:none': 1,
  });
  for (const leak of ['K7QM3VXH', 'r1', 'r3']) assert.ok(!(lines[0] as string).includes(leak), leak);
  quiet.flush();
  assert.equal(lines.length, 1, 'an empty flush writes nothing');
});
