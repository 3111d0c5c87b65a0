import type { z } from 'zod';

/**
 * A job type with a versioned payload schema. Payloads are stored with their version; a worker
 * of a newer release upgrades older payloads step by step through `upgrade`, so jobs enqueued
 * by the previous release during a rolling deploy still run.
 */
export interface JobDefinition<P> {
  readonly type: string;
  readonly version: number;
  readonly schema: z.ZodType<P>;
  /** upgrade[v] turns a version-v payload into a version v+1 payload. */
  readonly upgrade?: Readonly<Record<number, (payload: unknown) => unknown>>;
  readonly maxAttempts?: number;
  /** Must be idempotent: a job may run again after a crash mid-way. (Method syntax: see JobWorker.) */
  handler(payload: P, context: JobContext): Promise<void>;
}

export interface JobContext {
  readonly jobId: string;
  readonly attempt: number;
}

export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  if (!/^[a-z][a-z0-9_.-]{0,99}$/.test(definition.type)) throw new Error(`bad job type ${definition.type}`);
  if (!Number.isInteger(definition.version) || definition.version < 1) throw new Error('job version must be >= 1');
  return definition;
}

/** A payload that cannot be brought to the current schema: retrying will not help. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export function upgradePayload<P>(def: JobDefinition<P>, version: number, payload: unknown): P {
  if (version > def.version) {
    throw new PermanentJobError(
      `payload version ${version} of ${def.type} is newer than this release knows (${def.version})`,
    );
  }
  let current = payload;
  for (let v = version; v < def.version; v++) {
    const step = def.upgrade?.[v];
    if (step === undefined) throw new PermanentJobError(`no upgrade for ${def.type} payload version ${v}`);
    current = step(current);
  }
  const parsed = def.schema.safeParse(current);
  if (!parsed.success) throw new PermanentJobError(`payload of ${def.type} does not match version ${def.version}`);
  return parsed.data;
}
