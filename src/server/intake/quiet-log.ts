import type { Logger } from 'pino';

/** What the error handler logs through (platform/http/problem.ts). */
export interface ProblemLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * The anonymous channel's failures, told without telling when (SECURITY.md item 29): a log line
 * at the moment of a failed submission would date it, to the second, in every log shipper that
 * stamps lines on arrival. So failures are only counted here, by kind, with no request, address
 * or message (a database error's message can quote values), and written as one line a day and
 * at shutdown.
 */
export class QuietLog implements ProblemLog {
  readonly #log: Logger;
  readonly #counts = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(log: Logger, everyMs = 24 * 3600_000) {
    this.#log = log;
    this.#timer = setInterval(() => this.flush(), everyMs);
    this.#timer.unref();
  }

  error(obj: object, msg: string): void {
    this.#count('error', obj, msg);
  }

  warn(obj: object, msg: string): void {
    this.#count('warn', obj, msg);
  }

  #count(level: string, obj: object, msg: string): void {
    const err = (obj as { err?: unknown }).err;
    const kind = err instanceof Error ? err.name : 'none';
    const name = `${level}:${msg}:${kind}`;
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
  }

  /** How many failures are waiting to be told (tests). */
  get pending(): number {
    let n = 0;
    for (const count of this.#counts.values()) n += count;
    return n;
  }

  flush(): void {
    if (this.#counts.size === 0) return;
    const failures = Object.fromEntries(this.#counts);
    this.#counts.clear();
    this.#log.warn({ anonymousChannel: { failures } }, 'anonymous channel failures since the last report');
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush();
  }
}
