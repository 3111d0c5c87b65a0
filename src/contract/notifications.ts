import { z } from 'zod';
import { UserRef } from './cases.ts';
import { uuid } from './uuid.ts';

/**
 * What a user should know about (docs/cases.md, "Notifications"). For now: a team lead broke the
 * glass on a case the user leads. A notification names the case only while the user still
 * reaches it.
 */
export const NOTIFICATION_KINDS = ['break_glass'] as const;

export const Notification = z.strictObject({
  id: uuid(),
  kind: z.enum(NOTIFICATION_KINDS),
  case: z.strictObject({ id: uuid(), reference: z.string() }),
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
