import { z } from 'zod';
import { CaseStatus, Reason, UserRef, Version } from './cases.ts';
import { uuid } from './uuid.ts';

/**
 * Linked and merged cases (docs/cases.md, "Linking and merging"). The other case is named by its
 * reference number, as people say it; a reference the caller cannot reach is answered as one that
 * does not exist.
 */
export const CaseReferenceText = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^TM-\d{4}-\d{4,9}$/, 'a case reference looks like TM-2026-0042');

/** Whether a typed text is a case reference (the forms check it before asking the server). */
export const isCaseReference = (value: string): boolean => CaseReferenceText.safeParse(value).success;

/** The year and number of a reference already checked by CaseReferenceText. */
export function parseReference(reference: string): { year: number; number: number } {
  const [, year, number] = reference.split('-');
  return { year: Number(year), number: Number(number) };
}

export const LinkCase = z.strictObject({ reference: CaseReferenceText }).meta({ id: 'LinkCase' });
export type LinkCase = z.input<typeof LinkCase>;

export const CaseRef = z.strictObject({ id: uuid(), reference: z.string() });
export type CaseRef = z.infer<typeof CaseRef>;

export const LinkedCase = z.strictObject({
  id: uuid(),
  reference: z.string(),
  status: CaseStatus,
  title: z.string(),
  linkedAt: z.iso.datetime(),
  linkedBy: UserRef.nullable(),
});
export type LinkedCase = z.infer<typeof LinkedCase>;

/** A person who moved, by pseudonym in the case they left and in the case they joined. */
export const MovedPerson = z.strictObject({ id: uuid(), from: z.string(), to: z.string() });

/** The audited record of a merge, as the target case keeps it. */
export const MergeRecord = z.strictObject({
  id: uuid(),
  /** The duplicate; its reference only for a reader who reaches it. */
  source: z.strictObject({ id: uuid(), reference: z.string().nullable() }),
  mergedAt: z.iso.datetime(),
  mergedBy: UserRef.nullable(),
  reason: z.string(),
  persons: z.array(MovedPerson),
  documents: z.number().int().nonnegative(),
  /** Members of the merged case who became members here. */
  members: z.array(UserRef),
  /** Members of the merged case who did not: recused here. Shown to those who oversee conflicts only. */
  recused: z.array(UserRef),
  /** Links that moved in, to cases the reader reads wholly. */
  links: z.number().int().nonnegative(),
});
export type MergeRecord = z.infer<typeof MergeRecord>;

export const RelatedCases = z
  .strictObject({
    links: z.array(LinkedCase),
    /** Cases merged into this one, with what moved. */
    merges: z.array(MergeRecord),
  })
  .meta({ id: 'RelatedCases' });
export type RelatedCases = z.infer<typeof RelatedCases>;

export const MergeCase = z
  .strictObject({
    /** The case this one is merged into. */
    into: CaseReferenceText,
    reason: Reason,
    /** The version of the case being merged, as the merger saw it. */
    expectedVersion: Version,
  })
  .meta({ id: 'MergeCase' });
export type MergeCase = z.input<typeof MergeCase>;

export const LinkParams = z.strictObject({ id: uuid(), otherId: uuid() });
