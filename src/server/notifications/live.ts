import { AsyncResource } from 'node:async_hooks';
import type { Database } from '../platform/db/database.ts';

/** The channel the notifications table announces new rows on (migration 0022), with the recipient's id. */
export const CHANNEL = 'tma_notifications';

type Listener = () => void;

/**
 * Who is waiting for news of their bell on this instance. New notifications are announced by the
 * database at the commit of whatever made them, on every instance alike; the hub only says
 * "something changed" to the recipient's open streams, which then ask what it is: what a
 * notification shows is decided when it is read, for the reader (notifications.service.ts).
 */
export class NotificationHub {
  readonly #listeners = new Map<string, Set<Listener>>();
  #stop: (() => Promise<void>) | undefined;

  async start(database: Database): Promise<void> {
    // The embedded engine calls back inside the commit of the transaction that notified, in that
    // request's context: the streams must ask their questions outside it, in the hub's own.
    const dispatch = AsyncResource.bind((userId: string | null) => {
      // null: the database connection was lost and found again; anything may have been missed.
      const targets = userId === null ? [...this.#listeners.values()] : [this.#listeners.get(userId) ?? []];
      for (const set of targets) for (const fn of set) setImmediate(fn);
    });
    this.#stop = await database.listen(CHANNEL, dispatch);
  }

  subscribe(userId: string, listener: Listener): () => void {
    let set = this.#listeners.get(userId);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(userId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(userId);
    };
  }

  /** Open streams of this user on this instance. */
  count(userId: string): number {
    return this.#listeners.get(userId)?.size ?? 0;
  }

  /** Stops listening; a database already closed (it goes first at shutdown) has nothing left to stop. */
  async close(): Promise<void> {
    const stop = this.#stop;
    this.#stop = undefined;
    await stop?.().catch(() => {});
  }
}
