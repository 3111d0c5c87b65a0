import { type Kysely, sql } from 'kysely';
import { CONTENT_ROLES } from '../../contract/accounts.ts';
import type { CaseAccess, CaseSection, MemberRole } from '../../contract/cases.ts';
import type { Actor } from '../access/actor.ts';
import type { Database } from '../platform/db/database.ts';
import { preparedRead } from '../platform/db/prepared.ts';
import type { DB } from '../platform/db/schema.ts';

/**
 * How an actor reaches a case, read from the database on every request (never cached, so a grant
 * or a revocation holds from the very next request):
 * - `member`: a membership that has not expired, with its role and scope;
 * - `break_glass`: a team lead's open break-glass, which reads the whole case and changes nothing;
 * - `list`: a team lead who is neither, who sees what the case list shows and may break the glass.
 * Nobody else reaches the case at all. Memberships count only for the roles that see case content:
 * an account that became an administrator or auditor keeps no reach through an old membership.
 * An account related to a person of the case (person_conflicts) is recused: no reach at all.
 */
export interface Reach {
  readonly caseId: string;
  readonly kind: 'member' | 'break_glass' | 'list';
  readonly role: MemberRole | null;
  /** What the caller reads: the whole case for a full scope or a break-glass, else the sections. */
  readonly fullScope: boolean;
  readonly sections: readonly CaseSection[];
  /** When the membership or the break-glass ends; null for a membership without end. */
  readonly expiresAt: Date | null;
  readonly teamLead: boolean;
  /** The caller's own membership, whatever a break-glass adds to it for reading: what they may change. */
  readonly membership: { readonly fullScope: boolean; readonly sections: readonly CaseSection[] } | null;
  /** Merged into another case: a closed record that nobody changes any more (cases/merge.service.ts). */
  readonly merged: boolean;
}

/** What a request needs of a case: its list entry, its whole content, a section, or a right. */
export type Need =
  | { readonly kind: 'entry' }
  | { readonly kind: 'overview' }
  /** Who works on the case: the whole case's members, a break-glass, and those who manage members. */
  | { readonly kind: 'roster' }
  | { readonly kind: 'section'; readonly section: CaseSection; readonly write: boolean }
  | { readonly kind: 'edit' }
  | { readonly kind: 'manage' }
  /**
   * Conflicts of interest name who is related to a person: the lead, or a team lead who reads the
   * whole case (a full membership or a break-glass), never a team lead's list entry alone.
   */
  | { readonly kind: 'oversee' }
  | { readonly kind: 'break_glass' }
  /** Merging a case into another, on both: who edits the whole case and manages its members. */
  | { readonly kind: 'merge' };

export const hasContentRole = (actor: Actor): boolean => CONTENT_ROLES.includes(actor.role);

/** The reach's read: one shape, compiled once for the prepared read (it runs on every case request). */
const reachQuery = (db: Kysely<DB>, v: { userId: string; now: Date; caseId: string }) =>
  db
    .selectFrom('cases as c')
    .leftJoin('case_members as m', (join) =>
      join
        .onRef('m.case_id', '=', 'c.id')
        .on('m.user_id', '=', v.userId)
        .on((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', v.now)])),
    )
    .select(['c.id', 'c.merged_into', 'm.role', 'm.full_scope', 'm.sections', 'm.expires_at'])
    .select((eb) =>
      eb
        .selectFrom('break_glass as b')
        .whereRef('b.case_id', '=', 'c.id')
        .where('b.user_id', '=', v.userId)
        .where('b.ended_at', 'is', null)
        .where('b.expires_at', '>', v.now)
        .select(sql<Date | null>`max(b.expires_at)`.as('until'))
        .as('glass_until'),
    )
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('person_conflicts as pc')
            .select('pc.user_id')
            .where('pc.status', '=', 'recused')
            .whereRef('pc.case_id', '=', 'c.id')
            .where('pc.user_id', '=', v.userId),
        )
        .as('recused'),
    )
    .where('c.id', '=', v.caseId);

const preparedReach = preparedRead('tma_reach', reachQuery);

/** The actor's reach into one case; undefined when the case does not exist or is out of reach. */
export async function reachOf(
  db: Kysely<DB>,
  actor: Actor,
  caseId: string,
  now: Date,
  options: {
    readonly hold?: boolean;
    /** Outside a transaction: the read as a prepared statement (it runs on every case request). */
    readonly database?: Database;
  } = {},
): Promise<Reach | undefined> {
  if (!hasContentRole(actor)) return undefined;
  const values = { userId: actor.userId, now, caseId };
  // A write holds the case row shared until it commits: a revocation (which locks it for update)
  // then waits for the write, or the write sees the revocation. The prepared read is built once
  // per process: building it here as well would cost each case request a walk of its tree.
  const row =
    options.database !== undefined && options.hold !== true
      ? (await preparedReach(options.database, values))[0]
      : options.hold === true
        ? await reachQuery(db, values).forShare('c').executeTakeFirst()
        : await reachQuery(db, values).executeTakeFirst();
  // Related to a person of the case: recused, whatever their role or membership.
  if (row === undefined || row.recused) return undefined;
  const teamLead = actor.role === 'team_lead';
  const member =
    row.role === null || row.full_scope === null
      ? undefined
      : {
          role: row.role,
          fullScope: row.full_scope,
          sections: (row.sections ?? []) as CaseSection[],
          expiresAt: row.expires_at,
        };
  // A break-glass counts only while its holder is a team lead: a demotion ends it.
  const glassUntil = teamLead && row.glass_until !== null ? new Date(row.glass_until) : null;
  const membership = member === undefined ? null : { fullScope: member.fullScope, sections: member.sections };
  const merged = row.merged_into !== null;
  if (member !== undefined && (member.fullScope || glassUntil === null)) {
    return { caseId, kind: 'member', ...member, teamLead, membership, merged };
  }
  if (glassUntil !== null) {
    return {
      caseId,
      kind: 'break_glass',
      role: member?.role ?? null,
      fullScope: true,
      sections: [],
      expiresAt: glassUntil,
      teamLead,
      membership,
      merged,
    };
  }
  if (teamLead)
    return {
      caseId,
      kind: 'list',
      role: null,
      fullScope: false,
      sections: [],
      expiresAt: null,
      teamLead,
      membership: null,
      merged,
    };
  return undefined;
}

const sees = (reach: Reach, section: CaseSection): boolean =>
  reach.kind === 'break_glass' || (reach.kind === 'member' && (reach.fullScope || reach.sections.includes(section)));
/**
 * Changes go by the caller's own membership only: a break-glass adds reading, never writing. A
 * merged case is a record of what was merged: nothing in it changes any more.
 */
const writes = (reach: Reach, section: CaseSection): boolean =>
  !reach.merged &&
  reach.membership !== null &&
  (reach.membership.fullScope || reach.membership.sections.includes(section));

/** Whether a reach meets a need. A break-glass reads everything and writes nothing. */
export function meets(reach: Reach, need: Need): boolean {
  switch (need.kind) {
    case 'entry':
      return true;
    case 'overview':
      return reach.kind === 'break_glass' || (reach.kind === 'member' && reach.fullScope);
    case 'roster':
      return meets(reach, { kind: 'overview' }) || meets(reach, { kind: 'manage' });
    case 'section':
      return need.write ? writes(reach, need.section) : sees(reach, need.section);
    case 'edit':
      return !reach.merged && reach.membership?.fullScope === true && reach.role !== 'expert';
    case 'oversee':
      return (
        (reach.kind === 'member' && reach.role === 'lead') ||
        (reach.teamLead && (reach.kind === 'break_glass' || reach.membership?.fullScope === true))
      );
    case 'manage':
      return reach.teamLead || (reach.kind === 'member' && reach.role === 'lead');
    case 'break_glass':
      return reach.teamLead && !(reach.kind === 'member' && reach.fullScope) && reach.kind !== 'break_glass';
    case 'merge':
      return meets(reach, { kind: 'edit' }) && meets(reach, { kind: 'manage' });
  }
}

export function accessOf(reach: Reach): CaseAccess {
  return {
    kind: reach.kind,
    role: reach.role,
    fullScope: reach.kind === 'break_glass' || reach.fullScope,
    sections: [...reach.sections],
    expiresAt: reach.expiresAt?.toISOString() ?? null,
    canEdit: meets(reach, { kind: 'edit' }),
    canManageMembers: meets(reach, { kind: 'manage' }),
    canReadAccessLog: meets(reach, { kind: 'manage' }),
    canOversee: meets(reach, { kind: 'oversee' }),
    canBreakGlass: meets(reach, { kind: 'break_glass' }),
    canMerge: meets(reach, { kind: 'merge' }),
  };
}
