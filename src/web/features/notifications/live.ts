import type { NotificationList } from '../../../contract/notifications.ts';

/**
 * How the bell hears of news: `open`, the server's event stream says when there is some; `connecting`, the
 * stream is being opened (or opened again after a lost connection); `polling`, the stream failed (or the
 * session it served ended) and the bell asks on its own every minute until it tries the stream again.
 */
export type LiveMode = 'connecting' | 'open' | 'polling';

/** Asked every minute while no stream is open (as before the stream). */
export const POLL_MS = 60_000;
/** With the stream open, a slow poll stays as a safety net (a lost event, a proxy that buffers). */
export const STREAM_POLL_MS = 5 * 60_000;
/** Errors in a row, without an open between them, after which the bell gives up the stream and polls. */
export const FAILURES_BEFORE_POLLING = 3;
/** How long the bell polls before it tries the stream again. */
export const RETRY_STREAM_MS = 5 * 60_000;

/** How often the bell asks GET /api/notifications on its own. */
export function pollInterval(mode: LiveMode): number {
  return mode === 'open' ? STREAM_POLL_MS : POLL_MS;
}

/**
 * After an error of the stream: let the browser try again (it waits as the server's `retry:` says), or give up and
 * poll. A stream the browser closed itself (an answer other than an event stream: 401, 429) is never retried by
 * it; one that kept failing is given up too.
 */
export function afterError(failuresInARow: number, closedByBrowser: boolean): 'retry' | 'poll' {
  return closedByBrowser || failuresInARow >= FAILURES_BEFORE_POLLING ? 'poll' : 'retry';
}

/**
 * How many of the unread notifications of a fresh list were not in the list before (their ids): those are what to
 * announce. Nothing is new in the first list the bell sees.
 */
export function freshUnread(before: ReadonlySet<string> | undefined, list: NotificationList): number {
  if (before === undefined) return 0;
  return list.notifications.filter((n) => !n.read && !before.has(n.id)).length;
}
