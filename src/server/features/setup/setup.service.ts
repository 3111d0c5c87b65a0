import { randomUUID } from 'node:crypto';
import type { SetupResult } from '../../../contract/accounts.ts';
import { hashPassword } from '../../access/passwords/password-hashing.ts';
import { checkPassword } from '../../access/passwords/password-policy.ts';
import { recordAudit } from '../../audit/record.ts';
import { BadRequestError, NotFoundError } from '../../platform/http/errors.ts';
import { linksRepository } from '../invitations/links.repository.ts';
import type { AccountsContext, RequestOrigin } from '../session/context.ts';
import { weakPasswordError } from '../session/weak-password.ts';
import { usersRepository } from '../users/users.repository.ts';
import { consumeSetupToken, setupTokenValid } from './setup-token.ts';

export async function setupNeeded(ctx: AccountsContext): Promise<boolean> {
  return (await usersRepository.count(ctx.database.db)) === 0;
}

interface SetupInput {
  token: string;
  admin: { email: string; displayName: string; password: string };
  teamLead: { email: string; displayName: string };
}

/**
 * Creates the first administrator and invites the first team lead. This is the one place where
 * an administrator receives the link of a content role (there is nobody yet to approve it); the
 * team lead's acceptance is visible to the administrator in the user list.
 */
export async function completeSetup(
  ctx: AccountsContext,
  input: SetupInput,
  origin: RequestOrigin,
): Promise<SetupResult> {
  if (input.admin.email === input.teamLead.email)
    throw new BadRequestError('The administrator and the team lead need different e-mail addresses.');
  const now = ctx.clock.now();
  // Cheap checks first: without a valid token nobody gets the server to hash a password.
  if (!(await setupTokenValid(ctx.database.db, input.token, now))) throw new NotFoundError();
  const problem = checkPassword(input.admin.password, {
    email: input.admin.email,
    displayName: input.admin.displayName,
  });
  if (problem !== undefined) throw weakPasswordError(problem);
  const hash = await hashPassword(input.admin.password);
  return ctx.database.transaction(async (tx) => {
    if (!(await consumeSetupToken(tx, input.token, now)) || (await usersRepository.count(tx)) > 0)
      throw new NotFoundError();
    const admin = await usersRepository.insert(
      tx,
      ctx.keys,
      { id: randomUUID(), ...input.admin, role: 'admin', expertise: null, status: 'active', passwordHash: hash },
      now,
    );
    const lead = await usersRepository.insert(
      tx,
      ctx.keys,
      {
        id: randomUUID(),
        ...input.teamLead,
        role: 'team_lead',
        expertise: null,
        status: 'invited',
        passwordHash: null,
      },
      now,
    );
    const link = await linksRepository.create(tx, lead.id, 'invite', admin.id, now, ctx.publicOrigin);
    await recordAudit(tx, now, {
      action: 'setup.completed',
      outcome: 'allowed',
      actorUserId: admin.id,
      object: { type: 'user', id: lead.id },
      ip: origin.ip,
    });
    return { teamLeadInvitation: link };
  });
}
