import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../../contract/accounts.ts';
import { useSignedInSession } from '../session/useSession.ts';
import type { DoneAction } from './ActionResultNotice.tsx';
import { ChangeRoleDialog } from './ChangeRoleDialog.tsx';
import { useRoleName } from './options.ts';
import { UserActions } from './UserActions.tsx';
import { UserStatusCell } from './UserStatusCell.tsx';

export function UsersTable({ users, onDone }: { users: readonly User[]; onDone: (done: DoneAction) => void }) {
  const { t } = useTranslation();
  const roleName = useRoleName();
  const me = useSignedInSession().user;
  // By id: after a refetch (e.g. following a conflict) the dialog edits the fresh record and sends its version.
  const [editingId, setEditingId] = useState<string | null>(null);
  const editing = users.find((user) => user.id === editingId) ?? null;

  return (
    <>
      <div className="table-scroll">
        <table className="table">
          <caption className="visually-hidden">{t('users.list.caption', { count: users.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('users.list.person')}</th>
              <th scope="col">{t('common.role')}</th>
              <th scope="col">{t('users.list.status')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope="row">
                  {user.displayName}
                  {user.id === me.id && <span className="badge badge--brand">{t('users.list.you')}</span>}
                  <span className="table__sub table__email">{user.email}</span>
                </th>
                <td>{roleName(user.role, user.expertise)}</td>
                <td>
                  <UserStatusCell user={user} />
                </td>
                <td>
                  {user.id === me.id ? (
                    <span className="table__muted">{t('users.list.ownAccount')}</span>
                  ) : (
                    <UserActions user={user} onDone={onDone} onChangeRole={() => setEditingId(user.id)} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ChangeRoleDialog
        user={editing}
        onClose={() => setEditingId(null)}
        onDone={(done) => {
          setEditingId(null);
          onDone(done);
        }}
      />
    </>
  );
}
