import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Notification, NotificationList } from '../../../contract/notifications.ts';
import { afterError, FAILURES_BEFORE_POLLING, freshUnread, POLL_MS, pollInterval, STREAM_POLL_MS } from './live.ts';

const note = (id: string, read = false): Notification => ({
  id,
  kind: 'grant',
  case: { id: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', reference: 'TM-2026-0007' },
  report: null,
  deadline: null,
  review: null,
  actor: null,
  at: '2026-12-01T08:00:00.000Z',
  until: null,
  read,
});
const list = (...notifications: Notification[]): NotificationList => ({
  notifications,
  unread: notifications.filter((n) => !n.read).length,
});

test('the bell polls every minute without a stream, and seldom beside an open one', () => {
  assert.equal(pollInterval('connecting'), POLL_MS);
  assert.equal(pollInterval('polling'), POLL_MS);
  assert.equal(pollInterval('open'), STREAM_POLL_MS);
  assert.equal(POLL_MS, 60_000);
  assert.ok(STREAM_POLL_MS > POLL_MS);
});

test('a failing stream is retried by the browser a few times, then given up for the poll', () => {
  for (let failures = 1; failures < FAILURES_BEFORE_POLLING; failures++)
    assert.equal(afterError(failures, false), 'retry');
  assert.equal(afterError(FAILURES_BEFORE_POLLING, false), 'poll');
  // Closed by the browser (401, 429, not an event stream): it will not try again, so the bell polls at once.
  assert.equal(afterError(1, true), 'poll');
});

test('only unread notifications not seen before are announced, none in the first list', () => {
  assert.equal(freshUnread(undefined, list(note('a'), note('b'))), 0);
  assert.equal(freshUnread(new Set(['a']), list(note('b'), note('a'))), 1);
  assert.equal(freshUnread(new Set(['a']), list(note('c'), note('b'), note('a'))), 2);
  // Read elsewhere, or already known: nothing to say.
  assert.equal(freshUnread(new Set(['a']), list(note('b', true), note('a'))), 0);
  assert.equal(freshUnread(new Set(['a', 'b']), list(note('a'))), 0);
});
