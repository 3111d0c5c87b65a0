import { z } from 'zod';
import { UserRef } from './cases.ts';
import { uuid } from './uuid.ts';

/**
 * What a user should know about (docs/cases.md, "Notifications"): a team lead broke the glass on
 * a case the user leads (named only while the user still reaches it); an urgent report came in,
 * or a report's deadline comes close or passed (for the triage roles, or the lead of its case;
 * docs/intake.md); the user was made a member of a case, or is one no longer (the case named only
 * while the user reaches it); a case the user leads is due for re-assessment (docs/assessments.md),
 * told only while the user reads its assessments.
 */
export const NOTIFICATION_KINDS = ['break_glass', 'urgent_report', 'deadline', 'grant', 'revoke', 'review'] as const;
export const DEADLINE_STAGES = [
  'acknowledge_soon',
  'acknowledge_overdue',
  'feedback_soon',
  'feedback_overdue',
] as const;

export const Notification = z.strictObject({
  id: uuid(),
  kind: z.enum(NOTIFICATION_KINDS),
  /** The case of a break-glass, a grant or a revocation (null for a revocation once out of reach). */
  case: z.strictObject({ id: uuid(), reference: z.string() }).nullable(),
  /** The report of an urgent report or of a deadline. */
  report: z.strictObject({ id: uuid(), reference: z.string() }).nullable(),
  /** A report's deadline that comes close or passed, and its day. */
  deadline: z.strictObject({ stage: z.enum(DEADLINE_STAGES), by: z.iso.date() }).nullable(),
  /** Why a case is due for re-assessment: its review date passed, or an incident was written since. */
  review: z.strictObject({ reason: z.enum(['overdue', 'incident']), due: z.iso.date().nullable() }).nullable(),
  actor: UserRef.nullable(),
  at: z.iso.datetime(),
  /** When what it tells of ends (a break-glass's expiry). */
  until: z.iso.datetime().nullable(),
  read: z.boolean(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationList = z
  .strictObject({ notifications: z.array(Notification), unread: z.number().int().nonnegative() })
  .meta({ id: 'NotificationList' });
export type NotificationList = z.infer<typeof NotificationList>;

/** Marks these as read; without ids, all of the caller's. */
export const MarkRead = z.strictObject({ ids: z.array(uuid()).max(100).optional() }).meta({ id: 'MarkRead' });
export type MarkRead = z.input<typeof MarkRead>;
