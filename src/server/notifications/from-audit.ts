import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditEvent } from '../audit/events.ts';
import type { DB } from '../platform/db/schema.ts';

/**
 * A grant or a revocation rings the bell of the account it concerns, in the transaction of its
 * audit event, whichever path made it (a grant, a hand-over, a merge, a recusal). One's own act
 * rings nothing, nor does a recusal. What the bell shows of it is decided when it is read (notifications.service.ts).
 */
export async function notifyOfAudit(executor: Kysely<DB>, at: Date, event: AuditEvent): Promise<void> {
  if (event.outcome !== 'allowed' || event.caseId === undefined) return;
  if (event.action !== 'case.member_granted' && event.action !== 'case.member_revoked') return;
  const user = event.detail.user;
  if (user === event.actorUserId) return;
  // A recusal (a person of the case is related to the account) rings nothing: the bell would tell
  // the account, at once, that the case is about someone close to them.
  if (event.action === 'case.member_revoked') {
    const recused = await executor
      .selectFrom('person_conflicts')
      .select('user_id')
      .where('case_id', '=', event.caseId)
      .where('user_id', '=', user)
      .where('status', '=', 'recused')
      .executeTakeFirst();
    if (recused !== undefined) return;
  }
  await executor
    .insertInto('notifications')
    .values({
      id: randomUUID(),
      user_id: user,
      kind: event.action === 'case.member_granted' ? 'grant' : 'revoke',
      case_id: event.caseId,
      actor_user_id: event.actorUserId ?? null,
      created_at: at,
      until_at: null,
      read_at: null,
    })
    .execute();
}
