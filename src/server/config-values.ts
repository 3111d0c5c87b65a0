import { z } from 'zod';

/** A whole number from an environment variable, within bounds. */
export const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
