import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SessionList } from '../../../contract/accounts.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { describeDevice } from './device.ts';
import { mySessionsQuery, revokeSession } from './profile-api.ts';

type Session = SessionList['sessions'][number];

/** The user's sessions, this device marked; any other can be ended. */
export function MySessions() {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const client = useQueryClient();
  const sessions = useQuery(mySessionsQuery);
  const revoke = useMutation({
    mutationFn: (session: Session) => revokeSession(session.id),
    onSettled: () => client.invalidateQueries({ queryKey: mySessionsQuery.queryKey }),
  });

  return (
    <section className="card" aria-labelledby="my-sessions-heading">
      <h2 id="my-sessions-heading">{t('profile.sessions.heading')}</h2>
      <p>{t('profile.sessions.intro')}</p>
      <ErrorAlert error={revoke.error} />
      {revoke.isSuccess && (
        <Alert tone="success">
          <p>{t('profile.sessions.revoked', { device: describeDevice(t, revoke.variables.userAgent) })}</p>
        </Alert>
      )}
      {sessions.isPending && <p>{t('common.loading')}</p>}
      {sessions.isError && <ErrorAlert error={sessions.error} />}
      {sessions.isSuccess && (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">{t('profile.sessions.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('profile.sessions.device')}</th>
                <th scope="col">{t('profile.sessions.signedInAt')}</th>
                <th scope="col">{t('profile.sessions.lastSeenAt')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.sessions.map((session) => (
                <tr key={session.id}>
                  <th scope="row">
                    {describeDevice(t, session.userAgent)}
                    {session.current && <span className="badge badge--brand">{t('profile.sessions.thisDevice')}</span>}
                  </th>
                  <td>{dateTime(session.createdAt)}</td>
                  <td>{dateTime(session.lastSeenAt)}</td>
                  <td>
                    {!session.current && (
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        onClick={() => revoke.mutate(session)}
                        disabled={revoke.isPending}
                      >
                        {t('profile.sessions.revoke')}
                        <span className="visually-hidden">
                          {' '}
                          {t('profile.sessions.revokeWhich', {
                            device: describeDevice(t, session.userAgent),
                            time: dateTime(session.createdAt),
                          })}
                        </span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
