import type { TFunction } from 'i18next';
import type { Notification } from '../../../contract/notifications.ts';

/**
 * Where a notification leads: the case of a break-glass, a grant, a revocation or a review (while the user still reaches it),
 * the report of an urgent report or a deadline.
 */
export type NotificationTarget = { readonly kind: 'case' | 'report'; readonly id: string } | null;

export interface NotificationFormats {
  /** A moment (ISO timestamp) in the UI language. */
  readonly when: (iso: string) => string;
  /** A calendar day (YYYY-MM-DD) in the UI language. */
  readonly day: (day: string) => string;
}

const MISSING = '—';

/**
 * What a notification says and where it leads. A case or report the server no longer names (the user lost
 * access) leaves the words without a link.
 */
export function notificationText(
  n: Notification,
  t: TFunction,
  format: NotificationFormats,
): { readonly words: string; readonly target: NotificationTarget } {
  const report: NotificationTarget = n.report === null ? null : { kind: 'report', id: n.report.id };
  const reference = n.report?.reference ?? MISSING;
  switch (n.kind) {
    case 'urgent_report':
      return { words: t('notifications.kinds.urgent_report', { reference }), target: report };
    case 'deadline': {
      const day = n.deadline === null ? MISSING : format.day(n.deadline.by);
      const stage = n.deadline?.stage ?? 'acknowledge_soon';
      return { words: t(`notifications.kinds.deadline.${stage}`, { reference, day }), target: report };
    }
    case 'break_glass':
      return {
        words: t('notifications.kinds.break_glass', {
          name: n.actor?.displayName ?? MISSING,
          reference: n.case?.reference ?? t('notifications.caseOutOfReach'),
          until: n.until === null ? MISSING : format.when(n.until),
        }),
        target: n.case === null ? null : { kind: 'case', id: n.case.id },
      };
    case 'grant':
    case 'revoke':
      return membershipText(n, t);
    case 'review':
      return {
        words: t(`notifications.kinds.review.${n.review?.reason ?? 'overdue'}`, {
          reference: n.case?.reference ?? t('notifications.caseOutOfReach'),
          day: n.review?.due === null || n.review?.due === undefined ? MISSING : format.day(n.review.due),
        }),
        target: n.case === null ? null : { kind: 'case', id: n.case.id },
      };
  }
}

/**
 * A grant or a revocation: which case, while the user reaches it (else no reference at all, and no link), and who
 * did it, when the server names them (for a case out of reach it may not).
 */
function membershipText(
  n: Notification,
  t: TFunction,
): { readonly words: string; readonly target: NotificationTarget } {
  const name = n.actor?.displayName;
  const by = name === undefined ? 'NoActor' : '';
  if (n.case === null) {
    // The server lists a grant only while it holds; one without its case would name none either.
    const key = n.kind === 'grant' ? 'grant' : 'revokeOutOfReach';
    const reference = t('notifications.caseOutOfReach');
    return { words: t(`notifications.kinds.${key}${by}`, { name, reference }), target: null };
  }
  const key = n.kind === 'grant' ? 'grant' : 'revoke';
  return {
    words: t(`notifications.kinds.${key}${by}`, { name, reference: n.case.reference }),
    target: { kind: 'case', id: n.case.id },
  };
}
