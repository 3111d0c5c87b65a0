import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { ActionResultNotice, type DoneAction } from './ActionResultNotice.tsx';
import { InviteUserForm } from './InviteUserForm.tsx';
import { UsersTable } from './UsersTable.tsx';
import { usersQuery } from './users-api.ts';

/** Administration of accounts: who has which role and status; invite, change role, lock, reset. */
export function UsersPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('users.title'));
  const users = useQuery(usersQuery);
  const [done, setDone] = useState<DoneAction | null>(null);

  return (
    <section className="page" aria-labelledby="users-heading">
      <Heading id="users-heading">{t('users.heading')}</Heading>
      <p className="page__intro">{t('users.intro')}</p>
      {done !== null && <ActionResultNotice done={done} onDismiss={() => setDone(null)} />}
      <section className="card" aria-labelledby="users-list-heading">
        <h2 id="users-list-heading">{t('users.list.heading')}</h2>
        {users.isPending && <p>{t('common.loading')}</p>}
        {users.isError && <ErrorAlert error={users.error} />}
        {users.isSuccess && <UsersTable users={users.data.users} onDone={setDone} />}
      </section>
      <InviteUserForm onDone={setDone} />
    </section>
  );
}
