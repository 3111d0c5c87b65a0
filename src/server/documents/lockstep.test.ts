import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lockstep } from './lockstep.ts';

async function* counted(n: number, read: number[]): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    read.push(i);
    yield i;
  }
}

const collect = async <T>(source: AsyncIterable<T>, delayMs = 0): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of source) {
    out.push(item);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  return out;
};

test('every consumer gets every chunk, and the source is never read ahead of the slowest', async () => {
  const read: number[] = [];
  const [fast, slow] = lockstep(counted(20, read), 2) as [AsyncIterable<number>, AsyncIterable<number>];
  let ahead = 0;
  const watched = (async () => {
    const out: number[] = [];
    for await (const item of slow) {
      ahead = Math.max(ahead, read.length - item - 1);
      out.push(item);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return out;
  })();
  const [a, b] = await Promise.all([collect(fast), watched]);
  const all = Array.from({ length: 20 }, (_, i) => i);
  assert.deepEqual(a, all);
  assert.deepEqual(b, all);
  assert.ok(ahead <= 1, `read at most one chunk ahead of the slow consumer (${ahead})`);
});

test('a consumer that stops early is no longer waited for; the source error reaches every consumer', async () => {
  const [keeps, stops] = lockstep(counted(10, []), 2) as [AsyncIterable<number>, AsyncIterable<number>];
  const early = (async () => {
    for await (const item of stops) if (item === 2) break;
  })();
  assert.equal((await collect(keeps)).length, 10);
  await early;

  async function* failing(): AsyncGenerator<number> {
    yield 1;
    throw new Error('the client went away');
  }
  const [x, y] = lockstep(failing(), 2) as [AsyncIterable<number>, AsyncIterable<number>];
  const results = await Promise.allSettled([collect(x), collect(y)]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
});
