import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { User } from '../../../contract/accounts.ts';
import { problemCode } from '../../api/client.ts';
import { describeError, StepUpCancelledError } from '../../api/error-message.ts';
import { useStepUp } from '../session/StepUp.tsx';
import type { DoneAction } from './ActionResultNotice.tsx';
import { type UserAction, userAction, usersQuery } from './users-api.ts';

const DONE_ACTION = {
  lock: 'lock',
  unlock: 'unlock',
  'password-reset': 'password-reset',
  'mfa-reset': 'mfa-reset',
} as const;

/** The buttons of one user's row; each names its user for screen readers, whose lists lose the row context. */
export function UserActions({
  user,
  onDone,
  onChangeRole,
}: {
  user: User;
  onDone: (done: DoneAction) => void;
  onChangeRole: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const mutation = useMutation({
    mutationFn: (action: UserAction) => withStepUp(() => userAction(user.id, action)),
    onSuccess: (result, action) => onDone({ action: DONE_ACTION[action], result }),
    onSettled: () => client.invalidateQueries({ queryKey: usersQuery.queryKey }),
  });
  const who = <span className="visually-hidden"> {t('users.actions.forUser', { name: user.displayName })}</span>;
  const pending = user.pendingApproval !== null;
  const error =
    mutation.error === null || mutation.error instanceof StepUpCancelledError
      ? undefined
      : // Said of this row's user: elsewhere the code means one's own account.
        problemCode(mutation.error) === 'mfa_not_enrolled'
        ? t('users.actions.mfaNotEnrolled')
        : describeError(t, mutation.error).message;

  return (
    <div className="row-actions">
      <button type="button" className="button button--secondary button--small" onClick={onChangeRole}>
        {t('users.actions.changeRole')}
        {who}
      </button>
      {user.status === 'locked' ? (
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => mutation.mutate('unlock')}
          disabled={mutation.isPending}
        >
          {t('users.actions.unlock')}
          {who}
        </button>
      ) : (
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => mutation.mutate('lock')}
          disabled={mutation.isPending}
        >
          {t('users.actions.lock')}
          {who}
        </button>
      )}
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() => mutation.mutate('password-reset')}
        disabled={mutation.isPending || pending}
      >
        {t('users.actions.resetPassword')}
        {who}
      </button>
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() => mutation.mutate('mfa-reset')}
        disabled={mutation.isPending || pending}
      >
        {t('users.actions.resetMfa')}
        {who}
      </button>
      {error && (
        <p className="row-actions__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
