import { z } from 'zod';

/** GET /livez: the process is up. Never depends on the database. */
export const Liveness = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Liveness' });
export type Liveness = z.infer<typeof Liveness>;

/** GET /readyz: whether this instance should receive traffic. */
export const Readiness = z
  .strictObject({
    status: z.enum(['ready', 'unavailable', 'draining']),
    checks: z.strictObject({
      database: z.enum(['ok', 'failed', 'skipped']),
      /** The key provider can unwrap data keys (with AWS KMS: KMS answers and the master key is enabled). */
      keys: z.enum(['ok', 'failed', 'skipped']),
    }),
  })
  .meta({ id: 'Readiness' });
export type Readiness = z.infer<typeof Readiness>;
