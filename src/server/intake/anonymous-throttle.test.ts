import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnonymousThrottle } from './anonymous-throttle.ts';

test('each address gets its share per window; the next window starts afresh', () => {
  const throttle = new AnonymousThrottle({ limit: 3, windowMs: 60_000 });
  const t0 = 1_000_000;
  for (let i = 0; i < 3; i++) assert.equal(throttle.take('203.0.113.7', t0 + i), 0);
  assert.equal(throttle.take('203.0.113.7', t0 + 10_000), 50_000, 'the fourth waits for the window to end');
  assert.equal(throttle.take('198.51.100.1', t0 + 10_000), 0, 'another address is not held up');
  assert.equal(throttle.take('203.0.113.7', t0 + 60_000), 0);
});

test('IPv6 addresses count per /64; IPv4 written as IPv6 is the same address', () => {
  const throttle = new AnonymousThrottle({ limit: 1, windowMs: 60_000 });
  assert.equal(throttle.take('2001:db8:1:2::1', 0), 0);
  assert.ok(throttle.take('2001:0db8:0001:0002:ffff::9', 1) > 0);
  assert.equal(throttle.take('2001:db8:1:3::1', 1), 0);
  assert.equal(throttle.take('192.0.2.1', 1), 0);
  assert.ok(throttle.take('::ffff:192.0.2.1', 2) > 0);
});

test('a flood of addresses keeps a bounded number of counts, dropping the oldest first', () => {
  const throttle = new AnonymousThrottle({ limit: 1, windowMs: 60_000, maxKeys: 100 });
  for (let i = 0; i < 1000; i++) throttle.take(`10.0.${i >> 8}.${i & 255}`, i);
  assert.equal(throttle.size, 100);
  assert.ok(throttle.take('10.0.3.231', 1000) > 0, 'a recent address is still counted');
  assert.equal(throttle.take('10.0.0.0', 1000), 0, 'the oldest was dropped');
});
