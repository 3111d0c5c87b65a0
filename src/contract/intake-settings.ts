import { z } from 'zod';

/** What the anonymous report form asks the server before anything is sent (docs/intake.md). */

/**
 * A proof of work: a nonce such that SHA-256(seed ":" nonce) begins with `difficulty` zero bits.
 * Asked of anonymous reports only while a flood lasts (`required`).
 */
export const FloodChallenge = z
  .strictObject({ required: z.boolean(), seed: z.string(), difficulty: z.number().int().positive() })
  .meta({ id: 'FloodChallenge' });
export type FloodChallenge = z.infer<typeof FloodChallenge>;

/** What the report form shows before anything is sent: whom to call in an emergency, and the team's phone. */
export const IntakeSettings = z
  .strictObject({
    emergencyNumber: z.string(),
    teamPhone: z.string().nullable(),
    acknowledgeDays: z.number().int().positive(),
    feedbackMonths: z.number().int().positive(),
    /** The largest file a report takes (TMA_UPLOAD_LIMIT_BYTES). */
    uploadLimitBytes: z.number().int().positive(),
  })
  .meta({ id: 'IntakeSettings' });
export type IntakeSettings = z.infer<typeof IntakeSettings>;
