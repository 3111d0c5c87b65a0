import { z } from 'zod';
import { UserRef, Version } from './cases.ts';
import { optionalLine, text } from './text.ts';
import { uuid } from './uuid.ts';

/**
 * Persons of a case (docs/cases.md, "Persons"): shown by a stable pseudonym ("Person A"); their
 * identity only to members whose scope holds the identities section, by a deliberate reveal.
 */
export const PERSON_ROLES = ['person_of_concern', 'target', 'reporter', 'witness', 'other'] as const;
export const PersonRole = z.enum(PERSON_ROLES);
export type PersonRole = z.infer<typeof PersonRole>;

export const RELATION_KINDS = ['partner', 'former_partner', 'relative', 'manager', 'colleague', 'other'] as const;
export const RelationKind = z.enum(RELATION_KINDS);
export type RelationKind = z.infer<typeof RelationKind>;

export const NOTES_MAX = 5_000;
const IDENTITY_FIELD_MAX = 200;

/** One line, possibly empty; free text for notes (contract/text.ts says what they may hold). */
const field = optionalLine(IDENTITY_FIELD_MAX);
const notes = text(NOTES_MAX).default('');

/** Who the person is: every field may be unknown (empty). */
export const PersonIdentity = z
  .strictObject({
    name: field,
    /** YYYY-MM-DD, or empty. */
    dateOfBirth: z
      .string()
      .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'a date as YYYY-MM-DD')
      .refine((s) => s === '' || !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a date')
      .default(''),
    employeeNumber: field,
    orgUnit: field,
    location: field,
    /** An e-mail address or a phone number, as given. */
    contact: field,
  })
  .meta({ id: 'PersonIdentity' });
export type PersonIdentity = z.output<typeof PersonIdentity>;

export const CreatePerson = z
  .strictObject({ role: PersonRole, notes, identity: PersonIdentity.prefault({}) })
  .meta({ id: 'CreatePerson' });
export type CreatePerson = z.input<typeof CreatePerson>;

export const UpdatePerson = z
  .strictObject({ expectedVersion: Version, role: PersonRole, notes })
  .meta({ id: 'UpdatePerson' });
export type UpdatePerson = z.input<typeof UpdatePerson>;

export const UpdateIdentity = z
  .strictObject({ expectedVersion: Version, identity: PersonIdentity })
  .meta({ id: 'UpdateIdentity' });
export type UpdateIdentity = z.input<typeof UpdateIdentity>;

export const CasePerson = z
  .strictObject({
    id: uuid(),
    /** The pseudonym's letters: "A" for Person A, "AB" after Z. */
    pseudonym: z.string(),
    role: PersonRole,
    notes: z.string(),
    version: z.number().int().positive(),
  })
  .meta({ id: 'CasePerson' });
export type CasePerson = z.infer<typeof CasePerson>;

export const Relation = z
  .strictObject({ id: uuid(), from: uuid(), to: uuid(), kind: RelationKind })
  .meta({ id: 'Relation' });

export const PersonList = z
  .strictObject({ persons: z.array(CasePerson), relations: z.array(Relation) })
  .meta({ id: 'PersonList' });
export type PersonList = z.infer<typeof PersonList>;

export const CreateRelation = z
  .strictObject({ from: uuid(), to: uuid(), kind: RelationKind })
  .refine((r) => r.from !== r.to, { path: ['to'], message: 'a person is not related to themself' })
  .meta({ id: 'CreateRelation' });

export const DeclareConflict = z.strictObject({ userId: uuid() }).meta({ id: 'DeclareConflict' });

export const ConflictList = z
  .strictObject({
    conflicts: z.array(
      z.strictObject({
        user: UserRef,
        personId: uuid(),
        pseudonym: z.string(),
        source: z.enum(['declared', 'recognised']),
        /** Suspected: a recognition on the name alone, or of the lead or a team lead, until confirmed. */
        status: z.enum(['recused', 'suspected']),
      }),
    ),
  })
  .meta({ id: 'ConflictList' });
export type ConflictList = z.infer<typeof ConflictList>;

export const PersonParams = z.strictObject({ id: uuid(), personId: uuid() });
export const ConflictParams = z.strictObject({ id: uuid(), personId: uuid(), userId: uuid() });
export const RelationParams = z.strictObject({ id: uuid(), relationId: uuid() });

/** 1 → A, 26 → Z, 27 → AA: the pseudonym of the nth person of a case. */
export function pseudonymOf(ordinal: number): string {
  let n = ordinal;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
