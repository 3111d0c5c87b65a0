import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipPrefix, throttleKey } from './throttle.ts';

test('IPv6 clients count per /64; IPv4 and IPv4-mapped addresses stay whole', () => {
  assert.equal(ipPrefix('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  assert.equal(ipPrefix('2001:DB8:1:2::9'), '2001:db8:1:2::/64');
  assert.equal(ipPrefix('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(ipPrefix('::1'), '0:0:0:0::/64');
  assert.equal(ipPrefix('::ffff:10.0.0.1'), '10.0.0.1');
  assert.equal(ipPrefix('192.0.2.7'), '192.0.2.7');
  assert.equal(throttleKey('ip', '2001:db8:1:2:aaaa::1'), throttleKey('ip', '2001:db8:1:2:bbbb::2'));
  assert.notEqual(throttleKey('ip', '2001:db8:1:2::1'), throttleKey('ip', '2001:db8:1:3::1'));
});

test('a wider network on request: a site (/48) holds every /64 under it', () => {
  assert.equal(ipPrefix('2001:db8:1:2:3:4:5:6', 48), '2001:db8:1::/48');
  assert.equal(ipPrefix('2001:db8:1:ffff::9', 48), '2001:db8:1::/48');
  assert.equal(ipPrefix('2001:db8::1', 48), '2001:db8:0::/48');
  assert.equal(ipPrefix('192.0.2.7', 48), '192.0.2.7');
});

test('the account key ignores case and surrounding space, never the address itself', () => {
  assert.equal(throttleKey('account', ' Erika@Example.com '), throttleKey('account', 'erika@example.com'));
  assert.doesNotMatch(throttleKey('account', 'erika@example.com'), /erika/);
});
