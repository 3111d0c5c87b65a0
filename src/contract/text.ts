import { z } from 'zod';

/**
 * What text may hold. Control and format characters can hide text from a reader (bidi overrides
 * reorder it, zero-width spaces hide words) or forge lines; they are refused, except the two
 * joiners (U+200C, U+200D), which Persian, Arabic and Indic names need to be spelled right. A line
 * also refuses the Unicode line and paragraph separators (U+2028, U+2029), which break it in two
 * wherever it is shown.
 */
const JOINERS = /[\u200c\u200d]/g;
const hidden = /[\p{Cc}\p{Cf}]/u;
const oneLine = (s: string) => !hidden.test(s.replace(JOINERS, '')) && !/[\p{Zl}\p{Zp}]/u.test(s);
const freeText = (s: string) => !hidden.test(s.replace(JOINERS, '').replace(/[\n\r\t]/g, ''));

/** One line: no control characters at all. */
export const line = (max: number) =>
  z.string().trim().min(1).max(max).refine(oneLine, 'must not contain control characters');

/** One line that may be left empty. */
export const optionalLine = (max: number) =>
  z.string().trim().max(max).refine(oneLine, 'must not contain control characters').default('');

/** Free text: line breaks and tabs allowed, no other control characters. */
export const text = (max: number) =>
  z.string().max(max).refine(freeText, 'must not contain control characters other than line breaks and tabs');
