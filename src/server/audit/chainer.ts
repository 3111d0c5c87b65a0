import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/database.ts';
import { GENESIS, linkHash } from './canonical.ts';
import { chainRepository } from './chain.repository.ts';
import { appendCheckpointFile, type Checkpoint, type CheckpointSigner, checkpointsRepository } from './checkpoints.ts';

const BATCH = 2000;

/**
 * Chains audit events after commit. Events are inserted unchained inside the transaction of the
 * change they describe, so writers never wait on each other for the chain. A run of the chainer,
 * in a transaction of its own and under an advisory lock so that only one instance chains at a
 * time, takes the horizon below which every transaction of this database has ended, appends
 * links for the unchained events below it in order of transaction id and row id, and records
 * that horizon: a committed row below it can never appear later, so none is ever skipped.
 * Returns the number of events chained.
 */
export async function chainOnce(database: Database, batch = BATCH): Promise<number> {
  return database.transaction(async (tx) => {
    if (!(await chainRepository.tryLock(tx))) return 0;
    const head = await chainRepository.head(tx);
    const below = await chainRepository.horizon(tx);
    const events = await chainRepository.pending(tx, head?.horizon ?? '0', below, batch);
    if (events.length === 0) return 0;
    // A full batch may have left rows of its last transaction behind: look there again next time.
    const horizon = events.length === batch ? (events.at(-1)?.txid ?? below) : below;
    let seq = BigInt(head?.seq ?? '0');
    let previous = head?.hash ?? GENESIS;
    const links = events.map((event) => {
      seq += 1n;
      previous = linkHash(previous, event, seq.toString());
      return { seq: seq.toString(), event_id: event.id, hash: previous, horizon };
    });
    await chainRepository.append(tx, links);
    return links.length;
  });
}

/** Chains until nothing is left that can be chained now. */
export async function chainAll(database: Database): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await chainOnce(database);
    total += n;
    if (n < BATCH) return total;
  }
}

/**
 * Signs the current chain head (if it moved since the last valid checkpoint) and publishes it.
 * Under the chainer's lock, so instances (or the timer and an auditor's request) never sign the
 * same head twice; only a checkpoint that was stored goes to the file and the log. A checkpoint
 * row without a valid signature (a forged one) is ignored, so it cannot stop real checkpoints.
 */
export async function writeCheckpoint(
  database: Database,
  signer: CheckpointSigner,
  auditDir: string,
  log: Pick<Logger, 'info'>,
  now: Date,
): Promise<Checkpoint | undefined> {
  const written = await database.transaction(async (tx) => {
    await chainRepository.lock(tx);
    const head = await chainRepository.head(tx);
    if (head === undefined) return { checkpoint: undefined, fresh: false };
    const last = await checkpointsRepository.latestValid(tx, signer.publicKey, head.seq);
    if (last !== undefined && last.seq === head.seq) return { checkpoint: last, fresh: false };
    const checkpoint = signer.sign({ seq: head.seq, hash: head.hash, at: now.toISOString() });
    return { checkpoint, fresh: await checkpointsRepository.insert(tx, checkpoint) };
  });
  const { checkpoint, fresh } = written;
  if (checkpoint !== undefined && fresh) {
    appendCheckpointFile(auditDir, checkpoint);
    // The log stream is the copy that leaves the machine (CloudWatch, Loki): keep the whole checkpoint.
    log.info({ auditCheckpoint: checkpoint }, 'audit checkpoint');
  }
  return checkpoint;
}

export interface ChainerOptions {
  readonly intervalMs: number;
  readonly checkpointMs: number;
  readonly auditDir: string;
  readonly signer: CheckpointSigner;
  readonly clock: Clock;
}

/** The background loop of one instance: chain every intervalMs, checkpoint every checkpointMs. */
export class AuditChainer {
  readonly #database: Database;
  readonly #log: Logger;
  readonly #options: ChainerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #lastCheckpoint = 0;

  constructor(database: Database, log: Logger, options: ChainerOptions) {
    this.#database = database;
    this.#log = log;
    this.#options = options;
  }

  start(): void {
    this.#lastCheckpoint = this.#options.clock.now().getTime();
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.tick().finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
    }, this.#options.intervalMs);
  }

  /** One round: chain what can be chained; checkpoint when due. Errors are logged, never thrown. */
  async tick(): Promise<void> {
    try {
      await chainAll(this.#database);
      const now = this.#options.clock.now();
      if (now.getTime() - this.#lastCheckpoint >= this.#options.checkpointMs) {
        await writeCheckpoint(this.#database, this.#options.signer, this.#options.auditDir, this.#log, now);
        this.#lastCheckpoint = now.getTime();
      }
    } catch (error) {
      this.#log.warn({ err: { message: (error as Error).message } }, 'audit chaining failed; retrying');
    }
  }

  /** Stops the loop after the round in flight, then chains and checkpoints once more. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await this.tick().catch(() => {});
    try {
      await writeCheckpoint(
        this.#database,
        this.#options.signer,
        this.#options.auditDir,
        this.#log,
        this.#options.clock.now(),
      );
    } catch (error) {
      this.#log.warn({ err: { message: (error as Error).message } }, 'final audit checkpoint failed');
    }
  }
}
