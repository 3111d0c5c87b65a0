import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TimelineChart } from '../../contract/timeline.ts';
import { ChartCache, type ChartInputs } from './chart-cache.ts';

const chart = (n: number): TimelineChart => ({ kinds: [{ kind: 'note', days: [20_000], counts: [n] }], tags: [] });
const inputs = (over: Partial<ChartInputs> = {}): ChartInputs => ({
  revision: '1',
  timeZone: 'Europe/Berlin',
  kinds: ['note', 'report'],
  hidden: new Set(),
  conflicts: [],
  ...over,
});

describe('charts kept between reads', () => {
  it('hands a chart out only for the same case, revision, zone, kinds, hidden documents and conflicts', () => {
    const cache = new ChartCache();
    cache.set('a', inputs(), chart(1));
    assert.deepEqual(cache.get('a', inputs()), chart(1));
    assert.equal(cache.get('b', inputs()), undefined);
    assert.equal(cache.get('a', inputs({ timeZone: 'UTC' })), undefined);
    assert.equal(cache.get('a', inputs({ kinds: ['note'] })), undefined);
    assert.equal(cache.get('a', inputs({ hidden: new Set(['d1']) })), undefined);
    assert.equal(cache.get('a', inputs({ conflicts: ['r1'] })), undefined);
    // The order in which the hidden documents come does not make another chart.
    cache.set('a', inputs({ hidden: new Set(['d2', 'd1']) }), chart(2));
    assert.deepEqual(cache.get('a', inputs({ hidden: new Set(['d1', 'd2']) })), chart(2));
    assert.equal(cache.size, 2);
  });

  it('forgets all of a case’s charts once its timeline has another revision', () => {
    const cache = new ChartCache();
    cache.set('a', inputs(), chart(1));
    cache.set('a', inputs({ conflicts: ['r1'] }), chart(2));
    assert.equal(cache.get('a', inputs({ revision: '2' })), undefined);
    assert.equal(cache.size, 0);
    assert.equal(cache.get('a', inputs()), undefined, 'the older revision is gone too');
    cache.set('a', inputs(), chart(1));
    cache.set('a', inputs({ revision: '3' }), chart(3));
    assert.equal(cache.size, 1);
    assert.deepEqual(cache.get('a', inputs({ revision: '3' })), chart(3));
  });

  it('keeps at most its capacity of charts, forgetting the case read least recently', () => {
    const cache = new ChartCache(3);
    cache.set('a', inputs(), chart(1));
    cache.set('b', inputs(), chart(2));
    cache.set('c', inputs(), chart(3));
    assert.ok(cache.get('a', inputs()));
    cache.set('d', inputs(), chart(4));
    assert.equal(cache.size, 3);
    assert.equal(cache.get('b', inputs()), undefined);
    for (const id of ['a', 'c', 'd']) assert.ok(cache.get(id, inputs()), id);
    // A case with more charts than the capacity keeps the newest alone.
    const small = new ChartCache(1);
    small.set('a', inputs(), chart(1));
    small.set('a', inputs({ conflicts: ['r1'] }), chart(2));
    assert.equal(small.size, 1);
    assert.deepEqual(small.get('a', inputs({ conflicts: ['r1'] })), chart(2));
  });
});
