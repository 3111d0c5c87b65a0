import {
  type Approval,
  type ApprovalDecision,
  CONTENT_ROLES,
  type Expertise,
  type Role,
} from '../../../contract/accounts.ts';
import type { Actor } from '../../access/actor.ts';
import { mfaRepository } from '../../access/mfa/mfa.repository.ts';
import { sessionsRepository } from '../../access/sessions/sessions.repository.ts';
import { ssoRepository } from '../../access/sso/sso.repository.ts';
import { recordAudit } from '../../audit/record.ts';
import { recogniseAccount } from '../../cases/conflicts.service.ts';
import { ConflictError, NotFoundError } from '../../platform/http/errors.ts';
import type { PersonIndex } from '../../search/persons.ts';
import { linksRepository } from '../invitations/links.repository.ts';
import type { AccountsContext, RequestOrigin } from '../session/context.ts';
import { presentUser } from '../users/users.presenter.ts';
import { usersRepository } from '../users/users.repository.ts';
import { applyPasswordReset } from '../users/users.service.ts';
import { approvalsRepository } from './approvals.repository.ts';

export async function listApprovals(ctx: AccountsContext): Promise<Approval[]> {
  const rows = await approvalsRepository.listPending(ctx.database.db, ctx.keys);
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
 * database constraint). A decision on an account that changed since the request is refused (the
 * request is superseded), so the approver always approves what they see. Approving a content role
 * for someone who has none gives the account a fresh credential whose link goes to the approver:
 * a password or link the administrator handled while the role was harmless opens nothing.
 */
export async function decide(
  ctx: AccountsContext & { readonly persons: PersonIndex },
  actor: Actor,
  id: string,
  approve: boolean,
  origin: RequestOrigin,
): Promise<ApprovalDecision> {
  const now = ctx.clock.now();
  const outcome = await ctx.database.transaction(async (tx) => {
    const approval = await approvalsRepository.lockPending(tx, id);
    if (approval === undefined || approval.requested_by === actor.userId) throw new NotFoundError();
    const user = await usersRepository.lockById(tx, ctx.keys, approval.user_id);
    if (user === undefined) throw new NotFoundError();
    if (user.version !== approval.user_version) {
      await approvalsRepository.decide(tx, id, 'superseded', actor.userId, now);
      return 'stale' as const;
    }
    await approvalsRepository.decide(tx, id, approve ? 'approved' : 'rejected', actor.userId, now);
    await recordAudit(tx, now, {
      action: approve ? 'approval.approved' : 'approval.rejected',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'approval', id },
      ip: origin.ip,
      detail: { kind: approval.kind, user: user.id },
    });
    if (!approve) return { user: presentUser(user), link: null };

    if (approval.kind === 'reset_mfa') {
      await mfaRepository.removeAll(tx, user.id);
      // A link to single sign-on goes too: if someone else's identity was linked in a takeover, it must not outlast
      // the reset. (A single-sign-on-only account without a password must then be invited anew.)
      await ssoRepository.unbind(tx, user.id);
      await sessionsRepository.endAllOfUser(tx, user.id, 'account_changed', now);
      await recordAudit(tx, now, {
        action: 'mfa.reset',
        outcome: 'allowed',
        actorUserId: actor.userId,
        object: { type: 'user', id: user.id },
        ip: origin.ip,
      });
      return { user: presentUser(user), link: null };
    }
    if (approval.kind === 'reset_password') {
      const { updated, link } = await applyPasswordReset(tx, ctx, actor, user, now);
      await recordAudit(tx, now, {
        action: 'user.password_reset',
        outcome: 'allowed',
        actorUserId: actor.userId,
        object: { type: 'user', id: user.id },
        ip: origin.ip,
      });
      return { user: presentUser(updated), link };
    }
    const role = approval.requested_role as Role;
    const promoted = await usersRepository.update(
      tx,
      ctx.keys,
      user.id,
      user.version,
      { role, expertise: approval.requested_expertise as Expertise | null },
      now,
    );
    await recordAudit(tx, now, {
      action: 'user.role_changed',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'user', id: user.id },
      ip: origin.ip,
      detail: { from: user.role as Role, to: role },
    });
    // An account that now works on cases is compared with the persons of every case (a reporter's
    // or an administrator's never is): related to one, it is recused from that case (or suspected).
    if (CONTENT_ROLES.includes(role))
      await recogniseAccount(ctx, tx, {
        userId: user.id,
        email: user.email ?? '',
        displayName: user.display_name ?? '',
        actor,
        origin: { ip: origin.ip, userAgent: origin.userAgent },
        now,
      });
    if (CONTENT_ROLES.includes(user.role as Role) && user.status !== 'invited') {
      // Between content roles the credential stays (it was never in an administrator's hands);
      // the sessions end, so the new role starts with a new session.
      await sessionsRepository.endAllOfUser(tx, user.id, 'account_changed', now);
      await linksRepository.voidForUser(tx, user.id, now);
      return { user: presentUser(promoted), link: null };
    }
    const { updated, link } = await applyPasswordReset(tx, ctx, actor, promoted, now);
    return { user: presentUser(updated), link };
  });
  if (outcome === 'stale') {
    throw new ConflictError(
      'The account has changed since this was requested; the administrator needs to ask again.',
      'approval_stale',
    );
  }
  return outcome;
}
