import { type Kysely, sql } from 'kysely';
import { caseReference } from '../../contract/cases.ts';
import { AGEING_DAYS, type Dashboard } from '../../contract/dashboard.ts';
import type { Actor } from '../access/actor.ts';
import { LISTED_COLUMNS, userRefs } from '../cases/cases.repository.ts';
import { openTitle } from '../cases/texts.ts';
import { daysBetween } from '../intake/deadlines.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';
import { wallClockOf } from '../timeline/zone.ts';
import type { Membership } from './memberships.ts';

const MY_CASES_SHOWN = 50;
const TEAM_SHOWN = 10;

type Counted<K extends string, V> = { [P in K]: V } & { count: number };

function countBy<K extends string, V>(key: K, values: readonly V[]): Counted<K, V>[] {
  const counts = new Map<V, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, count]) => ({ [key]: v, count }) as Counted<K, V>);
}

/**
 * The caller's open cases, most pressing first (priority, then the longest untouched), with the
 * title only where their scope holds the whole case (as the case list shows it), and their load.
 */
export async function myCasesPart(
  db: Kysely<DB>,
  keys: KeyRing,
  memberships: readonly Membership[],
  today: string,
  timeZone: string,
): Promise<Pick<Dashboard, 'myCases' | 'myLoad'>> {
  const open = memberships.filter((m) => m.status !== 'closed' && !m.reach.merged);
  const sorted = [...open].sort(
    (a, b) => (b.priority ?? 0) - (a.priority ?? 0) || a.updatedAt.getTime() - b.updatedAt.getTime(),
  );
  const shown = sorted.slice(0, MY_CASES_SHOWN);
  const refs = await userRefs(
    db,
    keys,
    shown.map((m) => m.leadId),
  );
  const ring = keys.using(db);
  const myCases = await Promise.all(
    shown.map(async (m) => ({
      id: m.reach.caseId,
      reference: caseReference(m.year, m.number),
      status: m.status,
      priority: m.priority,
      lead: m.leadId === null ? null : (refs.get(m.leadId) ?? null),
      title: m.reach.fullScope ? await openTitle(ring, m.reach.caseId, m.titleSealed) : null,
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
      access: 'member' as const,
      role: m.reach.role ?? 'member',
      idleDays: Math.max(0, daysBetween(wallClockOf(m.updatedAt, timeZone).day, today)),
    })),
  );
  return {
    myCases,
    myLoad: {
      byStatus: countBy(
        'status',
        open.map((m) => m.status),
      ),
      byPriority: countBy(
        'priority',
        open.map((m) => m.priority),
      ),
    },
  };
}

/** A case the caller is recused from is out of their sight, as in the case list (cases.repository.ts). */
const notRecused = (userId: string) =>
  sql<boolean>`not exists (select 1 from person_conflicts pc where pc.case_id = c.id and pc.status = 'recused' and pc.user_id = ${userId})`;

/**
 * What a team lead's list holds anyway (reference, status, priority, lead, dates), narrowed to
 * what needs them: open cases without a lead, and open cases untouched for AGEING_DAYS or more.
 */
export async function teamPart(
  db: Kysely<DB>,
  keys: KeyRing,
  actor: Actor,
  now: Date,
  today: string,
  timeZone: string,
): Promise<Dashboard['team']> {
  if (actor.role !== 'team_lead') return null;
  const base = db
    .selectFrom('cases as c')
    .leftJoin('case_members as l', (join) => join.onRef('l.case_id', '=', 'c.id').on('l.role', '=', 'lead'))
    .select([...LISTED_COLUMNS, 'l.user_id as lead_id'])
    .where('c.status', '!=', 'closed')
    .where('c.merged_into', 'is', null)
    .where(notRecused(actor.userId));
  const unled = await base.where('l.user_id', 'is', null).orderBy('c.created_at').limit(TEAM_SHOWN).execute();
  const ageing = await base
    .where('c.updated_at', '<', new Date(now.getTime() - AGEING_DAYS * 86_400_000))
    .orderBy('c.updated_at')
    .limit(TEAM_SHOWN)
    .execute();
  const counts = await db
    .selectFrom('cases')
    .select(['status', (eb) => eb.fn.countAll<string>().as('count')])
    .where('merged_into', 'is', null)
    .where(
      sql<boolean>`not exists (select 1 from person_conflicts pc where pc.case_id = cases.id and pc.status = 'recused' and pc.user_id = ${actor.userId})`,
    )
    .groupBy('status')
    .execute();
  const refs = await userRefs(
    db,
    keys,
    [...unled, ...ageing].map((r) => r.lead_id),
  );
  const listed = (r: (typeof unled)[number]) => {
    const opened = wallClockOf(r.created_at, timeZone).day;
    return {
      id: r.id,
      reference: caseReference(r.year, r.number),
      status: r.status,
      priority: r.priority,
      lead: r.lead_id === null ? null : (refs.get(r.lead_id) ?? null),
      openedOn: opened,
      ageDays: Math.max(0, daysBetween(opened, today)),
      idleDays: Math.max(0, daysBetween(wallClockOf(r.updated_at, timeZone).day, today)),
    };
  };
  return {
    unled: unled.map(listed),
    ageing: ageing.map(listed),
    byStatus: counts.map((c) => ({ status: c.status, count: Number(c.count) })),
  };
}
