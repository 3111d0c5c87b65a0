import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TooManyRequestsError } from '../platform/http/errors.ts';
import { WorkGate } from './work-gate.ts';

test('past the bound a request is refused at once; a finished one makes room', async () => {
  const gate = new WorkGate(2);
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const a = gate.run(() => held);
  const b = gate.run(() => held);
  assert.equal(gate.inFlight, 2);
  await assert.rejects(
    gate.run(async () => 'never'),
    TooManyRequestsError,
  );
  release();
  await Promise.all([a, b]);
  assert.equal(gate.inFlight, 0);
  assert.equal(await gate.run(async () => 'ran'), 'ran');
  await assert.rejects(
    gate.run(async () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(gate.inFlight, 0, 'a failure makes room too');
});
