import type { InvitationInfo } from '../../../contract/accounts.ts';
import { hashPassword } from '../../access/passwords/password-hashing.ts';
import { checkPassword } from '../../access/passwords/password-policy.ts';
import { sessionsRepository } from '../../access/sessions/sessions.repository.ts';
import { clearAttempts, throttleKey } from '../../access/throttle.ts';
import { recordAudit } from '../../audit/record.ts';
import { GoneError, NotFoundError } from '../../platform/http/errors.ts';
import type { AccountsContext, RequestOrigin } from '../session/context.ts';
import { weakPasswordError } from '../session/weak-password.ts';
import { usersRepository } from '../users/users.repository.ts';
import { linksRepository } from './links.repository.ts';

async function openLink(ctx: AccountsContext, token: string) {
  const { db } = ctx.database;
  const link = await linksRepository.findByToken(db, token);
  if (link === undefined || link.used_at !== null)
    throw new NotFoundError('This link is not valid, or it has been used already.');
  if (link.expires_at.getTime() <= ctx.clock.now().getTime())
    throw new GoneError('This link has expired; ask for a new one.');
  const user = await usersRepository.findById(db, ctx.keys, link.user_id);
  if (user === undefined || user.status === 'locked')
    throw new NotFoundError('This link is not valid, or it has been used already.');
  return { link, user };
}

export async function lookupLink(ctx: AccountsContext, token: string): Promise<InvitationInfo> {
  const { link, user } = await openLink(ctx, token);
  return {
    purpose: link.purpose,
    email: user.email ?? '',
    displayName: user.display_name ?? '',
    expiresAt: link.expires_at.toISOString(),
  };
}

/** Sets the password through a one-time link; the link is spent, every old session ends. */
export async function acceptLink(
  ctx: AccountsContext,
  token: string,
  password: string,
  origin: RequestOrigin,
): Promise<void> {
  const { link, user } = await openLink(ctx, token);
  const problem = checkPassword(password, { email: user.email ?? '', displayName: user.display_name ?? '' });
  if (problem !== undefined) throw weakPasswordError(problem);
  const hash = await hashPassword(password);
  const now = ctx.clock.now();
  await ctx.database.transaction(async (tx) => {
    // Re-read under a lock: an account locked while this link was open stays locked.
    const current = await usersRepository.lockById(tx, ctx.keys, user.id);
    if (current === undefined || current.status === 'locked')
      throw new NotFoundError('This link is not valid, or it has been used already.');
    if (!(await linksRepository.use(tx, link.id, now))) throw new NotFoundError('This link has been used already.');
    await usersRepository.update(tx, ctx.keys, user.id, undefined, { password_hash: hash, status: 'active' }, now);
    // A new password lifts a throttle block on the account (including the one after 100 failures).
    await clearAttempts(tx, throttleKey('account', user.email ?? ''));
    await clearAttempts(tx, throttleKey('mfa', user.id));
    await sessionsRepository.endAllOfUser(tx, user.id, 'password_changed', now);
    await recordAudit(tx, now, {
      action: 'link.accepted',
      outcome: 'allowed',
      actorUserId: user.id,
      object: { type: 'user', id: user.id },
      ip: origin.ip,
      detail: { purpose: link.purpose },
    });
  });
}
