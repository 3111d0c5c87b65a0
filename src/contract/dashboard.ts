import { z } from 'zod';
import { CaseStatus, CaseSummary, MemberRole, Priority, UserRef } from './cases.ts';
import { Urgency } from './reports.ts';
import { EntryKind } from './timeline.ts';
import { uuid } from './uuid.ts';

/**
 * The landing page of the team (docs/dashboard.md): what needs the caller today. Each part is
 * there only for those it concerns: reports and their deadlines for the triage roles, the cases
 * without a lead and the ageing ones for team leads; everyone their own cases and what happened in
 * them. Every list is short (its newest or most pressing few) and links to where the rest is.
 */
export const AGEING_DAYS = 30;
export const ACTIVITY_SHOWN = 20;

const DeadlineState = z.enum(['in_time', 'due_soon', 'overdue']);

export const DashboardReport = z.strictObject({
  id: uuid(),
  reference: z.string(),
  urgency: Urgency,
  receivedOn: z.iso.date(),
  /** The deadline that comes next: the acknowledgement, or the feedback once acknowledged. */
  next: z.enum(['acknowledge', 'feedback']),
  by: z.iso.date(),
  state: DeadlineState,
  /** In a case: its reference (to those who read the case's timeline). */
  case: z.strictObject({ id: uuid(), reference: z.string() }).nullable(),
});
export type DashboardReport = z.infer<typeof DashboardReport>;

export const DashboardCase = CaseSummary.extend({
  role: MemberRole,
  /** Days since the case last changed. */
  idleDays: z.number().int().nonnegative(),
});

export const ListedCase = z.strictObject({
  id: uuid(),
  reference: z.string(),
  status: CaseStatus,
  priority: Priority.nullable(),
  lead: UserRef.nullable(),
  openedOn: z.iso.date(),
  ageDays: z.number().int().nonnegative(),
  idleDays: z.number().int().nonnegative(),
});

/** A case of the caller's due for re-assessment (docs/assessments.md, "Re-assessment"). */
export const DashboardReview = z.strictObject({
  case: z.strictObject({ id: uuid(), reference: z.string() }),
  priority: Priority.nullable(),
  due: z.iso.date().nullable(),
  state: z.enum(['in_time', 'due_soon', 'overdue']).nullable(),
  /** An incident tagged with warning behaviours was written since the last assessment (to readers of the timeline). */
  prompted: z.boolean(),
});
export type DashboardReview = z.infer<typeof DashboardReview>;

export const Activity = z.strictObject({
  id: uuid(),
  case: z.strictObject({ id: uuid(), reference: z.string() }),
  kind: EntryKind,
  at: z.iso.datetime(),
  author: UserRef.nullable(),
});

export const Dashboard = z
  .strictObject({
    today: z.iso.date(),
    /** Reports in triage and those of the caller's cases, most pressing first; null when not the caller's to see. */
    reports: z
      .strictObject({
        items: z.array(DashboardReport),
        /** Reports not yet decided (in triage), and how many of all shown are overdue. */
        untriaged: z.number().int().nonnegative(),
        overdue: z.number().int().nonnegative(),
        /** Reports received per week (ISO week's Monday), the last 12 weeks. */
        perWeek: z.array(z.strictObject({ week: z.iso.date(), count: z.number().int().nonnegative() })),
      })
      .nullable(),
    myCases: z.array(DashboardCase),
    /** The caller's open cases by status and by priority: the chart of their load. */
    myLoad: z.strictObject({
      byStatus: z.array(z.strictObject({ status: CaseStatus, count: z.number().int().positive() })),
      byPriority: z.array(z.strictObject({ priority: Priority.nullable(), count: z.number().int().positive() })),
    }),
    activity: z.array(Activity),
    /** The caller's cases whose review is overdue or due soon, or that a new incident asks to re-assess; overdue first. */
    reviews: z.array(DashboardReview),
    /** Team leads only. */
    team: z
      .strictObject({
        unled: z.array(ListedCase),
        ageing: z.array(ListedCase),
        byStatus: z.array(z.strictObject({ status: CaseStatus, count: z.number().int().positive() })),
      })
      .nullable(),
  })
  .meta({ id: 'Dashboard' });
export type Dashboard = z.infer<typeof Dashboard>;
