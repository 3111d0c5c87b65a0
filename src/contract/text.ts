import { z } from 'zod';

/** Control characters hide text from a reader (bidi overrides) or forge lines; only line breaks and tabs pass in free text. */
const noControl = (s: string) => !/[\p{Cc}\p{Cf}]/u.test(s.replace(/[\n\r\t]/g, ''));

/** One line: no control characters at all. */
export const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'must not contain control characters');

/** One line that may be left empty. */
export const optionalLine = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'must not contain control characters')
    .default('');

/** Free text: line breaks and tabs allowed, no other control characters. */
export const text = (max: number) =>
  z.string().max(max).refine(noControl, 'must not contain control characters other than line breaks and tabs');
