import { z } from 'zod';

/** RFC 9457 problem details, as every error of the API is answered. Match on `code`. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    correlationId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** Why an upload was refused (code upload_refused): one of the documents contract's UPLOAD_REFUSALS. */
    reason: z.string().optional(),
    /**
     * Whose birth an entry is dated before (code entry_before_birth), told only to writers who read
     * identities: the person's pseudonym in the case and their day of birth.
     */
    birth: z.object({ pseudonym: z.string(), born: z.string() }).optional(),
    /** Every problem of a model definition refused at import (code model_invalid). */
    problems: z
      .array(z.object({ line: z.number().nullable(), field: z.string(), code: z.string(), message: z.string() }))
      .optional(),
    /** The licensed-content placeholders a model still needs before it can be published (placeholders_unfilled). */
    placeholders: z.array(z.object({ key: z.string(), field: z.string() })).optional(),
    /** What an assessment still waits for before it can be finalised (assessment_incomplete): field and code. */
    blockers: z.array(z.object({ field: z.string(), code: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;
