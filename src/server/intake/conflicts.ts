import type { Kysely } from 'kysely';
import type { InvolvedPerson } from '../../contract/reports.ts';
import { TRIAGE_ROLES } from '../../contract/reports.ts';
import { openIdentity } from '../access/identity.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';
import { personForms } from '../search/persons.ts';

/**
 * Conflicts of interest in triage (docs/intake.md, "Triage"): a report may name someone who
 * triages, as person of concern, target or witness. Such an account must not read the report,
 * learn who reported it, see its hints, decide it or be alerted about it. When a report comes in,
 * every active account of a triage role is compared with its persons: the same e-mail address, or
 * the same full name (as the blind index compares names: Müller and Mueller meet), excludes it.
 * A name alone may be someone else of that name; being left out of one report costs less than the
 * alternative. Accounts that get a triage role later are not compared with older reports.
 */
export async function recogniseTriageConflicts(
  tx: Kysely<DB>,
  keys: KeyRing,
  reportId: string,
  persons: readonly InvolvedPerson[],
): Promise<void> {
  if (persons.length === 0) return;
  const wanted = new Set<string>();
  for (const person of persons) {
    for (const form of personForms({ fullName: person.name, email: person.contact })) {
      if (form.kind === 'name' || form.kind === 'email') wanted.add(`${form.kind}:${form.form}`);
    }
  }
  if (wanted.size === 0) return;
  const team = await tx
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'email_sealed', 'display_name_sealed'])
    .where('role', 'in', [...TRIAGE_ROLES])
    .where('status', '=', 'active')
    .execute();
  const ring = keys.using(tx);
  const excluded: string[] = [];
  for (const account of team) {
    const identity = await openIdentity(ring, account);
    const forms = personForms({ fullName: identity.displayName ?? undefined, email: identity.email ?? undefined });
    if (forms.some((f) => wanted.has(`${f.kind}:${f.form}`))) excluded.push(account.id);
  }
  if (excluded.length === 0) return;
  await tx
    .insertInto('report_conflicts')
    .values(excluded.map((user_id) => ({ report_id: reportId, user_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Whether the account is excluded from this report. */
export async function excludedFrom(db: Kysely<DB>, reportId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('report_conflicts')
    .select('user_id')
    .where('report_id', '=', reportId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}
