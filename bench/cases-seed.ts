import { randomUUID } from 'node:crypto';
import { type Insertable, type Kysely, sql } from 'kysely';
import { CASE_STATUSES, type CaseSection, type CaseStatus } from '../src/contract/cases.ts';
import type { PersonIdentity, PersonRole } from '../src/contract/persons.ts';
import { sealIdentity } from '../src/server/access/identity.ts';
import { hashPassword } from '../src/server/access/passwords/password-hashing.ts';
import { identifiersOf, personPlace } from '../src/server/cases/persons.service.ts';
import { indexedTexts, reasonPlace, sealTexts } from '../src/server/cases/texts.ts';
import { KeyRing } from '../src/server/platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../src/server/platform/crypto/local-key-provider.ts';
import { type DataKey, sealField } from '../src/server/platform/crypto/sealed-field.ts';
import { openPostgres } from '../src/server/platform/db/database.ts';
import type { CasePersonTable, DB } from '../src/server/platform/db/schema.ts';
import { PersonIndex } from '../src/server/search/persons.ts';
import { SearchIndex } from '../src/server/search/search-index.ts';

/**
 * The case generator (issue 9; later issues extend it): a team of threat managers and experts,
 * cases with their memberships, status and priority history and persons, written straight into
 * the database of a running server in batches of one transaction. Rows are what the services
 * write (cases.service.ts createCase, edits.service.ts, persons.service.ts addPerson): each case
 * gets its own data key through the real KeyRing on the server's master key file, its texts and
 * persons are sealed with the services' own helpers bound to the same places, and both are in the
 * blind indexes (SearchIndex, PersonIndex), so the server opens and finds them as its own. What it
 * leaves out is the history in the audit trail (case.created, member.granted, ...): no route here
 * reads it, and the bench's own reads add events enough. Deterministic: the same counts give the
 * same team, cases and texts.
 */
export interface SeedOptions {
  readonly url: string;
  /** The server's secrets directory: its master key file wraps the cases' data keys. */
  readonly secretsDir: string;
  readonly cases: number;
  readonly persons: number;
  /** The threat manager the benchmark signs in as, and how many cases they are a member of. */
  readonly benchUser: { readonly email: string; readonly password: string };
  readonly memberCases: number;
  readonly threatManagers?: number;
  readonly experts?: number;
}

export interface Seeded {
  readonly benchUserId: string;
  /** The bench user's cases, in the order of the generator. */
  readonly memberCaseIds: string[];
  readonly memberships: number;
  readonly seconds: number;
}

const BATCH = 100;
export const DAY = 86_400_000;

/** mulberry32: small, fast and even (an LCG in floating point loses its low bits past 2^53). */
let seed = 9;
export const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
export const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
export const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

const FIRST =
  'Anna Ben Clara David Elif Felix Greta Hannes Ida Jonas Katrin Lukas Mara Nils Olga Paul Rosa Stefan Tanja Umut'.split(
    ' ',
  );
const LAST =
  'Albers Becker Demir Engel Fischer Graf Hoffmann Jung Keller Lange Meyer Novak Otto Peters Richter Schulz Vogel Weber Yilmaz Zimmer'.split(
    ' ',
  );
const UNITS = 'Logistik Vertrieb Produktion Personal Einkauf IT Finanzen Kundendienst Forschung Lager'.split(' ');
const PLACES = 'Berlin Hamburg München Köln Leipzig Dresden Bremen Hannover'.split(' ');
const WORDS =
  'Drohung E-Mail Schichtleitung Parkplatz Nachricht Konflikt Kündigung Eskalation Beschwerde Anruf Kantine Werkstatt Besuch Gericht Trennung Waffe Social-Media Nachbarschaft Kollegin Vorgesetzter'.split(
    ' ',
  );
const TAGS = 'workplace email stalking weapon domestic online customer former-employee anonymous repeat'.split(' ');
const SECTIONS: readonly (readonly CaseSection[])[] = [['documents'], ['documents', 'assessments'], ['timeline']];
/** Most cases of a mature installation are closed; the open ones spread over the workflow. */
const STATUS_WEIGHTS: readonly [CaseStatus, number][] = [
  ['intake', 0.08],
  ['assessment', 0.12],
  ['management', 0.15],
  ['monitoring', 0.15],
  ['closed', 0.5],
];
const statusOf = (x: number): CaseStatus => {
  let acc = 0;
  for (const [status, weight] of STATUS_WEIGHTS) {
    acc += weight;
    if (x < acc) return status;
  }
  return 'closed';
};
const PERSON_ROLES: readonly PersonRole[] = ['person_of_concern', 'target', 'reporter', 'witness', 'other'];

export const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
const name = () => `${pick(FIRST)} ${pick(LAST)}`;

interface Member {
  user_id: string;
  role: 'lead' | 'member' | 'expert';
  sections: readonly CaseSection[];
  expires_at: Date | null;
}

/** An account sealed as the accounts service seals it; only the bench user has a password. */
async function account(
  db: Kysely<DB>,
  keys: KeyRing,
  role: 'threat_manager' | 'expert',
  identity: { email: string; displayName: string },
  password?: string,
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('users')
    .values({
      id,
      role,
      status: 'active',
      email: null,
      display_name: null,
      ...(await sealIdentity(keys, id, identity)),
      expertise: role === 'expert' ? 'hr' : null,
      password_hash: password === undefined ? null : await hashPassword(password),
      password_changed_at: password === undefined ? null : new Date(),
      activated_at: new Date(),
    })
    .execute();
  return id;
}

async function team(db: Kysely<DB>, keys: KeyRing, role: 'threat_manager' | 'expert', n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(await account(db, keys, role, { email: `${role}-${i}@bench.example`, displayName: `${name()} ${i}` }));
  }
  return ids;
}

export async function seedCases(o: SeedOptions): Promise<Seeded> {
  const t0 = performance.now();
  const database = await openPostgres({ url: o.url, poolMax: 2, statementTimeoutMs: 600_000, onPoolError: () => {} });
  const db = database.db;
  try {
    // The server made the master key file at its first start: never a second one here.
    const keys = new KeyRing(LocalKeyProvider.open(o.secretsDir, { create: false }), db);
    const search = new SearchIndex(keys);
    const personIndex = new PersonIndex(keys);
    const managers = await team(db, keys, 'threat_manager', o.threatManagers ?? 40);
    const experts = await team(db, keys, 'expert', o.experts ?? 10);
    const benchUserId = await account(
      db,
      keys,
      'threat_manager',
      { email: o.benchUser.email, displayName: 'Bench Manager' },
      o.benchUser.password,
    );
    const now = Date.now();
    // The bench user's cases spread evenly over the whole range (every age, every status).
    const stride = Math.max(1, Math.floor(o.cases / Math.max(1, o.memberCases)));
    const memberCaseIds: string[] = [];
    const counters = new Map<number, number>();
    let personsLeft = o.persons;
    let memberships = 0;
    for (let start = 0; start < o.cases; start += BATCH) {
      await db.transaction().execute(async (tx) => {
        const cases = [];
        const members = [];
        const statusChanges = [];
        const priorityChanges = [];
        const persons: { id: string; caseId: string; identity: PersonIdentity; row: Insertable<CasePersonTable> }[] =
          [];
        const texts = [];
        for (let i = start; i < Math.min(o.cases, start + BATCH); i++) {
          const id = randomUUID();
          const key: DataKey = await keys.createKey('case', id, tx);
          // Oldest first, over about seven years: references count up with the creation date.
          const created = new Date(now - (o.cases - i) * ((7 * 365 * DAY) / o.cases) - between(0, 3_600_000));
          const year = created.getUTCFullYear();
          const number = (counters.get(year) ?? 0) + 1;
          counters.set(year, number);
          const status = statusOf(random());
          const updated = new Date(Math.min(now - 1000, created.getTime() + between(0, 400) * DAY));
          const priority = status === 'intake' ? null : between(1, 4);
          const caseTexts = {
            title: `${sentence(3)} in ${pick(UNITS)}`,
            summary: `${sentence(between(15, 40))}. ${sentence(between(10, 30))}.`,
            tags: Array.from({ length: between(0, 3) }, () => pick(TAGS)),
          };
          const caseMembers: Member[] = [];
          const mine = i % stride === 0 && memberCaseIds.length < o.memberCases;
          const lead = mine && memberCaseIds.length % 3 === 0 ? benchUserId : pick(managers);
          caseMembers.push({ user_id: lead, role: 'lead', sections: [], expires_at: null });
          if (mine && lead !== benchUserId) {
            caseMembers.push({ user_id: benchUserId, role: 'member', sections: [], expires_at: null });
          }
          if (mine) memberCaseIds.push(id);
          for (let m = between(0, 2); m > 0; m--) {
            const user = pick(managers);
            if (!caseMembers.some((c) => c.user_id === user))
              caseMembers.push({ user_id: user, role: 'member', sections: [], expires_at: null });
          }
          if (random() < 0.3) {
            // Experts' memberships always end; some have, and are ignored by every check.
            const user = pick(experts);
            if (!caseMembers.some((c) => c.user_id === user))
              caseMembers.push({
                user_id: user,
                role: 'expert',
                sections: pick(SECTIONS),
                expires_at: new Date(now + between(-20, 30) * DAY),
              });
          }
          memberships += caseMembers.length;
          // The persons left spread over the cases left, one to nine a case around the mean.
          const mean = personsLeft / (o.cases - i);
          const count = i === o.cases - 1 ? personsLeft : Math.min(personsLeft, between(1, Math.max(1, 2 * mean - 1)));
          personsLeft -= count;
          cases.push({
            id,
            year,
            number,
            status,
            priority,
            ...(sealTexts(key, id, caseTexts) as Required<ReturnType<typeof sealTexts>>),
            closure_reason:
              status === 'closed' ? pick(['resolved', 'no_concern', 'transferred', 'other'] as const) : null,
            created_by: lead,
            created_at: created,
            updated_at: updated,
            closed_at: status === 'closed' ? updated : null,
            version: 1 + CASE_STATUSES.indexOf(status) + (priority === null ? 0 : 1),
            persons_counted: count,
          });
          for (const m of caseMembers) {
            members.push({
              case_id: id,
              user_id: m.user_id,
              role: m.role,
              full_scope: m.sections.length === 0,
              sections: [...m.sections],
              expires_at: m.expires_at,
              granted_by: lead,
              granted_at: created,
            });
          }
          // The workflow walked forward from intake, as changeStatus records it; closing needs a reason.
          let from: CaseStatus | null = null;
          for (const to of CASE_STATUSES.slice(0, CASE_STATUSES.indexOf(status) + 1)) {
            const changeId = randomUUID();
            statusChanges.push({
              id: changeId,
              case_id: id,
              from_status: from,
              to_status: to,
              reason_sealed:
                to === 'closed' ? sealField(key, sentence(8), reasonPlace('case_status_changes', changeId)) : null,
              changed_by: lead,
              changed_at: to === 'intake' ? created : updated,
            });
            from = to;
          }
          if (priority !== null) {
            const changeId = randomUUID();
            priorityChanges.push({
              id: changeId,
              case_id: id,
              from_priority: null,
              to_priority: priority,
              reason_sealed: sealField(key, sentence(10), reasonPlace('case_priority_changes', changeId)),
              changed_by: lead,
              changed_at: updated,
            });
          }
          for (let p = 1; p <= count; p++) {
            const personId = randomUUID();
            const identity: PersonIdentity = {
              name: name(),
              dateOfBirth: `19${between(50, 99)}-0${between(1, 9)}-1${between(0, 9)}`,
              employeeNumber: random() < 0.6 ? `E-${between(10_000, 99_999)}` : '',
              orgUnit: pick(UNITS),
              location: pick(PLACES),
              contact:
                random() < 0.5 ? `p${between(1, 9_999_999)}@example.org` : `0151 ${between(1_000_000, 9_999_999)}`,
            };
            persons.push({
              id: personId,
              caseId: id,
              identity,
              row: {
                id: personId,
                case_id: id,
                role: p <= 2 ? (PERSON_ROLES[p - 1] as PersonRole) : pick(PERSON_ROLES.slice(2)),
                ordinal: p,
                identity_sealed: sealField(key, JSON.stringify(identity), personPlace(personId, 'identity')),
                notes_sealed: sealField(key, sentence(between(5, 25)), personPlace(personId, 'notes')),
                created_by: lead,
                created_at: created,
                updated_at: created,
              },
            });
          }
          texts.push(...indexedTexts(id, caseTexts));
        }
        await tx.insertInto('cases').values(cases).execute();
        await tx.insertInto('case_members').values(members).execute();
        await tx.insertInto('case_status_changes').values(statusChanges).execute();
        if (priorityChanges.length > 0) await tx.insertInto('case_priority_changes').values(priorityChanges).execute();
        if (persons.length > 0) {
          await tx
            .insertInto('case_persons')
            .values(persons.map((p) => p.row))
            .execute();
        }
        await search.indexMany(tx, texts);
        for (const p of persons) {
          await personIndex.index(tx, {
            objectType: 'person',
            objectId: p.id,
            scope: { type: 'case', id: p.caseId },
            identifiers: identifiersOf(p.identity),
          });
        }
      });
    }
    for (const [year, last] of counters) {
      await db
        .insertInto('case_counters')
        .values({ year, last })
        .onConflict((oc) => oc.column('year').doUpdateSet({ last }))
        .execute();
    }
    // What autovacuum would have done for tables this size by the time anyone asks.
    await sql`vacuum analyze`.execute(db);
    return { benchUserId, memberCaseIds, memberships, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await database.close();
  }
}
