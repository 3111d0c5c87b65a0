import { useTranslation } from 'react-i18next';
import type { User } from '../../../contract/accounts.ts';

const TONE = { active: 'ok', invited: 'neutral', locked: 'error' } as const;

/** The account's status, and a marker when a change to it waits for a team lead's approval. */
export function UserStatusCell({ user }: { user: User }) {
  const { t } = useTranslation();
  return (
    <span className="status-cell">
      <span className={`badge badge--${TONE[user.status]}`}>{t(`userStatus.${user.status}`)}</span>
      {user.pendingApproval !== null && (
        <span className="badge badge--warn">{t(`users.list.pending.${user.pendingApproval.kind}`)}</span>
      )}
    </span>
  );
}
