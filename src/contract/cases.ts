import { z } from 'zod';
import { Expertise, Role } from './accounts.ts';
import { line, text } from './text.ts';
import { uuid } from './uuid.ts';

/**
 * Cases with need-to-know (docs/cases.md): the case record, its members with their scopes, and a
 * team lead's break-glass. Every text is sealed with the case's key on the server.
 */
export const CASE_STATUSES = ['intake', 'assessment', 'management', 'monitoring', 'closed'] as const;
export const CaseStatus = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof CaseStatus>;
export const OPEN_STATUSES = CASE_STATUSES.filter((s) => s !== 'closed');

export const CLOSURE_REASONS = ['resolved', 'no_concern', 'transferred', 'merged', 'other'] as const;
export const ClosureReason = z.enum(CLOSURE_REASONS);
export type ClosureReason = z.infer<typeof ClosureReason>;

/** 1 low / monitor, 2 moderate / manage, 3 high / active management, 4 acute / immediate action. */
export const PRIORITIES = [1, 2, 3, 4] as const;
export const Priority = z.number().int().min(1).max(4);

/** The parts of a case a partial scope can name; a full scope holds every one, and those added later. */
export const CASE_SECTIONS = [
  'persons',
  'identities',
  'timeline',
  'documents',
  'assessments',
  'measures',
  'special_category',
] as const;
export const CaseSection = z.enum(CASE_SECTIONS);
export type CaseSection = z.infer<typeof CaseSection>;

export const MEMBER_ROLES = ['lead', 'member', 'expert'] as const;
export const MemberRole = z.enum(MEMBER_ROLES);
export type MemberRole = z.infer<typeof MemberRole>;

export const TITLE_MAX = 200;
export const SUMMARY_MAX = 20_000;
export const TAG_MAX = 40;
export const TAGS_MAX = 20;
export const REASON_MAX = 2_000;
export const PURPOSE_MIN = 10;
export const BREAK_GLASS_MINUTES = { min: 15, default: 120, max: 480 } as const;

export const CaseTitle = line(TITLE_MAX);
export const SummaryText = text(SUMMARY_MAX);
export const CaseTags = z
  .array(line(TAG_MAX))
  .max(TAGS_MAX)
  .refine((tags) => new Set(tags.map((t) => t.toLowerCase())).size === tags.length, 'each tag once');
export const Reason = text(REASON_MAX)
  .transform((s) => s.trim())
  .pipe(z.string().min(1, 'a reason is required'));
/** A row version as the database counts it (a PostgreSQL integer): a larger one is a bad request, not a 500. */
export const Version = z.number().int().positive().max(2_147_483_647);

export const CreateCase = z
  .strictObject({
    title: CaseTitle,
    summary: SummaryText.default(''),
    tags: CaseTags.default([]),
  })
  .meta({ id: 'CreateCase' });
export type CreateCase = z.input<typeof CreateCase>;

export const UpdateCase = z
  .strictObject({
    expectedVersion: Version,
    title: CaseTitle,
    summary: SummaryText,
    tags: CaseTags,
  })
  .meta({ id: 'UpdateCase' });
export type UpdateCase = z.input<typeof UpdateCase>;

export const ChangeStatus = z
  .strictObject({
    expectedVersion: Version,
    status: CaseStatus,
    /** Required to close, to reopen, and to go back a step. */
    reason: Reason.optional(),
    /** Required to close, and only then. */
    closureReason: ClosureReason.optional(),
  })
  .meta({ id: 'ChangeStatus' });
export type ChangeStatus = z.input<typeof ChangeStatus>;

export const SetPriority = z
  .strictObject({ expectedVersion: Version, priority: Priority, reason: Reason })
  .meta({ id: 'SetPriority' });
export type SetPriority = z.input<typeof SetPriority>;

export const UserRef = z.strictObject({ id: uuid(), displayName: z.string().nullable() });
export type UserRef = z.infer<typeof UserRef>;

/**
 * How the caller reaches a case: as a member (with a role and a scope), through an open
 * break-glass, or, as a team lead who is neither, only its list entry.
 */
export const CaseAccess = z.strictObject({
  kind: z.enum(['member', 'break_glass', 'list']),
  role: MemberRole.nullable(),
  fullScope: z.boolean(),
  sections: z.array(CaseSection),
  expiresAt: z.iso.datetime().nullable(),
  /** What the caller may do; the server checks each again. */
  canEdit: z.boolean(),
  canManageMembers: z.boolean(),
  canReadAccessLog: z.boolean(),
  /** Conflicts of interest: the lead, and team leads who read the whole case. */
  canOversee: z.boolean(),
  canBreakGlass: z.boolean(),
  /** Merging this case into another: its lead, or a team lead who edits the whole case. */
  canMerge: z.boolean(),
});
export type CaseAccess = z.infer<typeof CaseAccess>;

/** What a list shows: the title only to those whose scope holds the whole case. */
export const CaseSummary = z
  .strictObject({
    id: uuid(),
    reference: z.string(),
    status: CaseStatus,
    priority: Priority.nullable(),
    lead: UserRef.nullable(),
    title: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    access: CaseAccess.shape.kind,
  })
  .meta({ id: 'CaseSummary' });
export type CaseSummary = z.infer<typeof CaseSummary>;

export const CASE_SORTS = ['updated', 'created', 'priority', 'reference'] as const;
export const CaseListQuery = z.strictObject({
  status: CaseStatus.optional(),
  priority: z.enum(['1', '2', '3', '4', 'none']).optional(),
  /** Only cases the caller is a member of (a team lead's list holds every case otherwise). */
  mine: z.enum(['true', 'false']).default('false'),
  /** Words in the title, summary or tags: searched in the cases whose whole content the caller may see. */
  q: z.string().trim().max(200).optional(),
  sort: z.enum(CASE_SORTS).default('updated'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type CaseListQuery = z.input<typeof CaseListQuery>;
export type CaseListFilter = z.output<typeof CaseListQuery>;

export const CaseList = z
  .strictObject({ cases: z.array(CaseSummary), total: z.number().int().nonnegative() })
  .meta({ id: 'CaseList' });
export type CaseList = z.infer<typeof CaseList>;

export const CaseOverview = z.strictObject({
  title: z.string(),
  summary: z.string(),
  tags: z.array(z.string()),
});

export const CaseDetail = z
  .strictObject({
    id: uuid(),
    reference: z.string(),
    status: CaseStatus,
    priority: Priority.nullable(),
    closureReason: ClosureReason.nullable(),
    lead: UserRef.nullable(),
    version: Version,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
    access: CaseAccess,
    /** Title, summary and tags: only for a full scope or an open break-glass. */
    overview: CaseOverview.nullable(),
    /** The case this one was merged into, for a caller who reaches that case too. */
    mergedInto: z.strictObject({ id: uuid(), reference: z.string() }).nullable(),
  })
  .meta({ id: 'CaseDetail' });
export type CaseDetail = z.infer<typeof CaseDetail>;

export const Member = z
  .strictObject({
    user: UserRef,
    role: MemberRole,
    fullScope: z.boolean(),
    sections: z.array(CaseSection),
    expiresAt: z.iso.datetime().nullable(),
    grantedBy: UserRef.nullable(),
    grantedAt: z.iso.datetime(),
    version: Version,
  })
  .meta({ id: 'Member' });
export type Member = z.infer<typeof Member>;
export const MemberList = z.strictObject({ members: z.array(Member) }).meta({ id: 'MemberList' });
export type MemberList = z.infer<typeof MemberList>;

/** Accounts that could join the case: they see case content, are not locked, and are not members yet. */
export const CandidateList = z
  .strictObject({
    candidates: z.array(
      z.strictObject({ id: uuid(), displayName: z.string().nullable(), role: Role, expertise: Expertise.nullable() }),
    ),
  })
  .meta({ id: 'CandidateList' });
export type CandidateList = z.infer<typeof CandidateList>;

/** A scope: the whole case, or the sections named (at least one). */
const scopeFields = {
  fullScope: z.boolean(),
  sections: z.array(CaseSection).max(CASE_SECTIONS.length).default([]),
  /** Required for experts (default 30 days on the form); optional for others. */
  expiresAt: z.iso.datetime().nullable().default(null),
};
const scopeRule = (m: { fullScope: boolean; sections: readonly string[] }, ctx: z.RefinementCtx) => {
  if (!m.fullScope && m.sections.length === 0)
    ctx.addIssue({ code: 'custom', path: ['sections'], message: 'a scope names at least one section' });
  if (m.fullScope && m.sections.length > 0)
    ctx.addIssue({ code: 'custom', path: ['sections'], message: 'a full scope names no sections' });
  if (new Set(m.sections).size !== m.sections.length)
    ctx.addIssue({ code: 'custom', path: ['sections'], message: 'each section once' });
};

export const GrantMember = z
  .strictObject({ userId: uuid(), role: z.enum(['member', 'expert']), ...scopeFields })
  .superRefine(scopeRule)
  .meta({ id: 'GrantMember' });
export type GrantMember = z.input<typeof GrantMember>;

export const ChangeMember = z
  .strictObject({ expectedVersion: Version, ...scopeFields })
  .superRefine(scopeRule)
  .meta({ id: 'ChangeMember' });
export type ChangeMember = z.input<typeof ChangeMember>;

export const TransferLead = z.strictObject({ expectedVersion: Version, userId: uuid() }).meta({ id: 'TransferLead' });

export const Reassign = z.strictObject({ toUserId: uuid() }).meta({ id: 'Reassign' });
export const ReassignResult = z
  .strictObject({
    moved: z.number().int().nonnegative(),
    merged: z.number().int().nonnegative(),
    /** Cases the successor is recused from: the leaver's membership went, nobody took it. */
    skipped: z.number().int().nonnegative(),
  })
  .meta({ id: 'ReassignResult' });

/**
 * For a team lead's hand-over: accounts that left (locked, or no longer in a role that works on
 * cases) and still hold memberships, and who may take them over.
 */
export const Handover = z
  .strictObject({
    leavers: z.array(z.strictObject({ user: UserRef, cases: z.number().int().positive() })),
    successors: z.array(z.strictObject({ user: UserRef, role: z.enum(['threat_manager', 'team_lead']) })),
  })
  .meta({ id: 'Handover' });
export type Handover = z.infer<typeof Handover>;

export const StartBreakGlass = z
  .strictObject({
    purpose: text(REASON_MAX)
      .transform((s) => s.trim())
      .pipe(z.string().min(PURPOSE_MIN, `state the purpose in at least ${PURPOSE_MIN} characters`)),
    minutes: z
      .number()
      .int()
      .min(BREAK_GLASS_MINUTES.min)
      .max(BREAK_GLASS_MINUTES.max)
      .default(BREAK_GLASS_MINUTES.default),
  })
  .meta({ id: 'StartBreakGlass' });
export type StartBreakGlass = z.input<typeof StartBreakGlass>;
export const BreakGlass = z
  .strictObject({ id: uuid(), startedAt: z.iso.datetime(), expiresAt: z.iso.datetime() })
  .meta({ id: 'BreakGlass' });

export const AccessLogEntry = z.strictObject({
  /** The audit event's sequence number. */
  id: z.string(),
  at: z.iso.datetime(),
  actor: UserRef.nullable(),
  action: z.string(),
  outcome: z.enum(['allowed', 'denied', 'failed']),
  part: z.string().nullable(),
  /** The stated purpose of a break-glass, opened for the lead and team leads. */
  purpose: z.string().nullable(),
});
export const AccessLog = z
  .strictObject({ entries: z.array(AccessLogEntry), nextCursor: z.string().nullable() })
  .meta({ id: 'AccessLog' });
export type AccessLog = z.infer<typeof AccessLog>;
export const AccessLogQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

export const CaseParams = z.strictObject({ id: uuid() });
export const MemberParams = z.strictObject({ id: uuid(), userId: uuid() });
export const RevokeQuery = z.strictObject({ expectedVersion: z.coerce.number().pipe(Version) });

export const caseReference = (year: number, number: number): string => `TM-${year}-${String(number).padStart(4, '0')}`;
