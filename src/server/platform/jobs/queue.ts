import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { type JobDefinition, PermanentJobError, upgradePayload } from './definitions.ts';

export interface EnqueueOptions {
  /** When the job becomes due; default now. */
  runAt?: Date;
  /** At most one pending or running job per (type, key): a second enqueue is a no-op. */
  singletonKey?: string;
}

export interface QueueLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Enqueues a job with the caller's executor: pass the transaction of the change that causes the
 * job, and the job exists exactly when that change commits.
 */
export async function enqueue<P>(
  executor: Kysely<DB>,
  def: JobDefinition<P>,
  payload: P,
  options: EnqueueOptions = {},
): Promise<string | undefined> {
  return insertJob(executor, {
    type: def.type,
    payloadVersion: def.version,
    payload: def.schema.parse(payload),
    maxAttempts: def.maxAttempts ?? 5,
    runAt: options.runAt,
    singletonKey: options.singletonKey,
  });
}

interface NewJob {
  type: string;
  payloadVersion: number;
  payload: unknown;
  maxAttempts: number;
  runAt?: Date | undefined;
  singletonKey?: string | undefined;
}

/** The one insert of a job; a pending or running job with the same singleton key wins. */
async function insertJob(executor: Kysely<DB>, job: NewJob): Promise<string | undefined> {
  const row = await executor
    .insertInto('jobs')
    .values({
      type: job.type,
      payload_version: job.payloadVersion,
      payload: JSON.stringify(job.payload),
      max_attempts: job.maxAttempts,
      run_at: job.runAt ?? sql<Date>`now()`,
      singleton_key: job.singletonKey ?? null,
      last_error: null,
      locked_until: null,
      finished_at: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['type', 'singleton_key'])
        .where('singleton_key', 'is not', null)
        .where('status', 'in', ['pending', 'running'])
        .doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Declares (or updates) a recurring job: every `everySeconds`, one job of `def` with `payload`. */
export async function schedule<P>(
  executor: Kysely<DB>,
  name: string,
  def: JobDefinition<P>,
  payload: P,
  everySeconds: number,
): Promise<void> {
  const checked = JSON.stringify(def.schema.parse(payload));
  await executor
    .insertInto('job_schedules')
    .values({
      name,
      type: def.type,
      payload_version: def.version,
      payload: checked,
      every_seconds: everySeconds,
      next_run_at: sql<Date>`now()`,
    })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        type: def.type,
        payload_version: def.version,
        payload: checked,
        every_seconds: everySeconds,
      }),
    )
    .execute();
}

export interface WorkerOptions {
  pollIntervalMs?: number;
  /** How long a claimed job may run before another worker may take it over (crash recovery). */
  leaseSeconds?: number;
  /** First retry delay; doubles per attempt, with jitter, capped at one hour. */
  backoffBaseMs?: number;
  batchSize?: number;
}

interface ClaimedJob {
  id: string;
  type: string;
  payload_version: number;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

/** Polls the jobs table, runs due jobs, retries failures with backoff, fires recurring schedules. */
export class JobWorker {
  readonly #db: Kysely<DB>;
  readonly #defs: Map<string, JobDefinition<unknown>>;
  readonly #log: QueueLogger;
  readonly #opts: Required<WorkerOptions>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #state: 'idle' | 'started' | 'stopping' = 'idle';

  constructor(
    db: Kysely<DB>,
    definitions: readonly JobDefinition<unknown>[],
    log: QueueLogger,
    options: WorkerOptions = {},
  ) {
    this.#db = db;
    this.#defs = new Map(definitions.map((d) => [d.type, d]));
    this.#log = log;
    this.#opts = {
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      leaseSeconds: options.leaseSeconds ?? 300,
      backoffBaseMs: options.backoffBaseMs ?? 5_000,
      batchSize: options.batchSize ?? 5,
    };
  }

  start(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'started';
    this.#schedule(0);
  }

  /** Stops taking work and waits for the jobs in hand to finish. */
  async stop(): Promise<void> {
    this.#state = 'stopping';
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One poll: fire due schedules, then claim and run due jobs. Returns how many jobs ran. */
  async tick(): Promise<number> {
    await this.#fireSchedules();
    const jobs = await this.#claim();
    for (const job of jobs) {
      if (this.#state === 'stopping') {
        await this.#release(job);
        continue;
      }
      await this.#run(job);
    }
    return jobs.length;
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(() => {
      this.#running = this.tick()
        .catch((error: unknown) => this.#log.error({ err: error }, 'job poll failed'))
        .then((ran) => {
          if (this.#state === 'started') this.#schedule(ran ? 0 : this.#opts.pollIntervalMs);
        });
    }, delay);
    this.#timer.unref();
  }

  async #fireSchedules(): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      const due = await sql<{ name: string; type: string; payload_version: number; payload: unknown }>`
        select name, type, payload_version, payload from job_schedules
        where next_run_at <= now() for update skip locked`.execute(tx);
      for (const s of due.rows) {
        await insertJob(tx, {
          type: s.type,
          payloadVersion: s.payload_version,
          payload: s.payload,
          maxAttempts: this.#defs.get(s.type)?.maxAttempts ?? 5,
          singletonKey: `schedule:${s.name}`,
        });
        // Skip missed periods instead of catching up on each (after downtime one run is enough).
        await sql`update job_schedules
          set next_run_at = next_run_at + make_interval(secs => every_seconds *
            (floor(extract(epoch from now() - next_run_at) / every_seconds) + 1))
          where name = ${s.name}`.execute(tx);
      }
    });
  }

  async #claim(): Promise<ClaimedJob[]> {
    const types = [...this.#defs.keys()];
    if (types.length === 0) return [];
    const { rows } = await sql<ClaimedJob>`
      update jobs set status = 'running', attempts = attempts + 1,
        locked_until = now() + make_interval(secs => ${this.#opts.leaseSeconds})
      where id in (
        select id from jobs
        where type = any(${types}::text[]) and run_at <= now()
          and (status = 'pending' or (status = 'running' and locked_until < now()))
        order by run_at, id
        limit ${this.#opts.batchSize}
        for update skip locked)
      returning id, type, payload_version, payload, attempts, max_attempts`.execute(this.#db);
    return rows;
  }

  async #run(job: ClaimedJob): Promise<void> {
    const def = this.#defs.get(job.type);
    try {
      if (def === undefined) throw new PermanentJobError(`no handler for job type ${job.type}`);
      const payload = upgradePayload(def, job.payload_version, job.payload);
      await def.handler(payload, { jobId: job.id, attempt: job.attempts });
      await this.#db
        .updateTable('jobs')
        .set({ status: 'done', finished_at: sql<Date>`now()`, locked_until: null, last_error: null })
        .where('id', '=', job.id)
        .execute();
    } catch (error) {
      const permanent = error instanceof PermanentJobError;
      const final = permanent || job.attempts >= job.max_attempts;
      const message = errorSummary(error);
      this.#log.warn({ jobId: job.id, type: job.type, attempt: job.attempts, final }, 'job failed');
      const delayMs =
        Math.min(this.#opts.backoffBaseMs * 2 ** (job.attempts - 1), 3_600_000) * (0.8 + Math.random() * 0.4);
      await this.#db
        .updateTable('jobs')
        .set(
          final
            ? { status: 'failed', finished_at: sql<Date>`now()`, locked_until: null, last_error: message }
            : {
                status: 'pending',
                locked_until: null,
                last_error: message,
                run_at: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`,
              },
        )
        .where('id', '=', job.id)
        .execute();
    }
  }

  async #release(job: ClaimedJob): Promise<void> {
    await this.#db
      .updateTable('jobs')
      .set({ status: 'pending', attempts: sql<number>`attempts - 1`, locked_until: null })
      .where('id', '=', job.id)
      .execute();
  }
}

/** Error class and a bounded message: job errors must not become a store of personal data. */
function errorSummary(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  return `${e.name}: ${e.message}`.replace(/[\r\n\u0000-\u001f]+/g, ' ').slice(0, 500);
}
