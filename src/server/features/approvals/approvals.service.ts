import type { Approval, ApprovalDecision, Expertise, Role } from '../../../contract/accounts.ts';
import type { Actor } from '../../access/actor.ts';
import { sessionsRepository } from '../../access/sessions/sessions.repository.ts';
import { recordSecurityEvent } from '../../audit/security-events.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import { linksRepository } from '../invitations/links.repository.ts';
import type { AccountsContext, RequestOrigin } from '../session/context.ts';
import { presentUser } from '../users/users.presenter.ts';
import { usersRepository } from '../users/users.repository.ts';
import { applyPasswordReset } from '../users/users.service.ts';
import { approvalsRepository } from './approvals.repository.ts';

export async function listApprovals(ctx: AccountsContext): Promise<Approval[]> {
  const rows = await approvalsRepository.listPending(ctx.database.db);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    user: {
      id: r.user_id,
      email: r.user_email ?? '',
      displayName: r.user_display_name ?? '',
      role: r.user_role as Role,
      status: r.user_status as Approval['user']['status'],
    },
    requestedRole: r.requested_role as Role | null,
    requestedExpertise: r.requested_expertise as Expertise | null,
    requestedBy: { id: r.requester_id, displayName: r.requester_display_name ?? '' },
    createdAt: r.created_at.toISOString(),
  }));
}

/**
 * The second pair of eyes. The approver must be another person than the requester (also a
 * database constraint). An approved role grant for a user who has never signed in yields their
 * invitation link; an approved reset yields the reset link: either goes to the approver.
 */
export async function decide(
  ctx: AccountsContext,
  actor: Actor,
  id: string,
  approve: boolean,
  origin: RequestOrigin,
): Promise<ApprovalDecision> {
  const now = ctx.clock.now();
  return ctx.database.transaction(async (tx) => {
    const approval = await approvalsRepository.lockPending(tx, id);
    if (approval === undefined || approval.requested_by === actor.userId) throw new NotFoundError();
    const user = await usersRepository.findById(tx, approval.user_id);
    if (user === undefined) throw new NotFoundError();
    await approvalsRepository.decide(tx, id, approve ? 'approved' : 'rejected', actor.userId, now);
    await recordSecurityEvent(tx, now, {
      action: approve ? 'approval.approved' : 'approval.rejected',
      outcome: 'allowed',
      actorUserId: actor.userId,
      target: { type: 'approval', id },
      ip: origin.ip,
      detail: { kind: approval.kind, user: user.id },
    });
    if (!approve) return { user: presentUser(user), link: null };

    if (approval.kind === 'reset_password') {
      const { updated, link } = await applyPasswordReset(tx, ctx, actor, user, now);
      await recordSecurityEvent(tx, now, {
        action: 'user.password_reset',
        outcome: 'allowed',
        actorUserId: actor.userId,
        target: { type: 'user', id: user.id },
        ip: origin.ip,
      });
      return { user: presentUser(updated), link };
    }
    const updated = await usersRepository.update(
      tx,
      user.id,
      undefined,
      { role: approval.requested_role as Role, expertise: approval.requested_expertise as Expertise | null },
      now,
    );
    await sessionsRepository.endAllOfUser(tx, user.id, 'account_changed', now);
    // A link the administrator received while the role was harmless must not open the new role.
    await linksRepository.voidForUser(tx, user.id, now);
    await recordSecurityEvent(tx, now, {
      action: 'user.role_changed',
      outcome: 'allowed',
      actorUserId: actor.userId,
      target: { type: 'user', id: user.id },
      ip: origin.ip,
      detail: { from: user.role, to: approval.requested_role },
    });
    const link =
      updated.status === 'invited'
        ? await linksRepository.create(tx, user.id, 'invite', actor.userId, now, ctx.publicOrigin)
        : null;
    return { user: presentUser(updated), link };
  });
}
