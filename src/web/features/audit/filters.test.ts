import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditFilter } from '../../../contract/audit.ts';
import { checkFilter, EMPTY_FORM, filterParams, formatOffset, localToIso, toFilter } from './filters.ts';

test('offsets are written as the API expects them: sign, hours and minutes', () => {
  assert.equal(formatOffset(0), '+00:00');
  assert.equal(formatOffset(120), '+02:00');
  assert.equal(formatOffset(-210), '-03:30');
  assert.equal(formatOffset(345), '+05:45');
});

test('a datetime-local value becomes the same moment as an ISO datetime with the local offset', () => {
  const iso = localToIso('2025-03-30T14:05');
  assert.match(iso ?? '', /^2025-03-30T14:05:00[+-]\d{2}:\d{2}$/);
  assert.equal(Date.parse(iso ?? ''), new Date(2025, 2, 30, 14, 5).getTime());
  assert.ok(AuditFilter.safeParse({ from: iso }).success, 'the contract accepts it');
  assert.equal(localToIso(''), undefined);
  assert.equal(localToIso('30.03.2025 14:05'), undefined);
});

test('empty fields are left out, text is trimmed, times carry the offset', () => {
  const filter = toFilter({ ...EMPTY_FORM, action: 'session.signed_in', objectId: '  42 ', from: '2025-01-02T03:04' });
  assert.equal(filter.action, 'session.signed_in');
  assert.equal(filter.objectId, '42');
  assert.equal(filter.from, localToIso('2025-01-02T03:04'));
  assert.deepEqual(Object.keys(filter).sort(), ['action', 'from', 'objectId']);
  assert.deepEqual(toFilter(EMPTY_FORM), {});
});

test('ids that cannot be ids and a range that ends before it starts are refused before asking the server', () => {
  assert.deepEqual(checkFilter(EMPTY_FORM), {});
  assert.deepEqual(checkFilter({ ...EMPTY_FORM, actor: 'ada' }), { actor: { key: 'validation.uuid' } });
  assert.deepEqual(checkFilter({ ...EMPTY_FORM, actor: '123e4567-e89b-12d3-a456-426614174000' }), {});
  assert.deepEqual(checkFilter({ ...EMPTY_FORM, from: '2025-01-02T10:00', to: '2025-01-02T09:00' }), {
    to: { key: 'validation.timeRange' },
  });
  assert.deepEqual(checkFilter({ ...EMPTY_FORM, from: '2025-01-02T10:00', to: '2025-01-02T10:00' }), {
    to: { key: 'validation.timeRange' },
  });
  assert.deepEqual(checkFilter({ ...EMPTY_FORM, from: '2025-01-02T09:00', to: '2025-01-02T10:00' }), {});
});

test('the query string leaves out what is not set and is the same for the same filter', () => {
  assert.equal(filterParams({}), '');
  assert.equal(
    filterParams({ outcome: 'failed', action: 'session.sign_in_failed' }, { cursor: undefined, limit: '50' }),
    '?action=session.sign_in_failed&limit=50&outcome=failed',
  );
  assert.equal(filterParams({ from: '2025-01-02T03:04:00+01:00' }), '?from=2025-01-02T03%3A04%3A00%2B01%3A00');
});
