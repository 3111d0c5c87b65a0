import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Approval } from '../../../contract/accounts.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useStepUp } from '../session/StepUp.tsx';
import { useRoleName } from '../users/options.ts';
import { approvalsQuery, type Decision, decide } from './approvals-api.ts';
import type { Decided } from './DecisionNotice.tsx';

export function ApprovalsTable({
  approvals,
  onDecided,
}: {
  approvals: readonly Approval[];
  onDecided: (decided: Decided) => void;
}) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const roleName = useRoleName();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const mutation = useMutation({
    mutationFn: ({ approval, decision }: { approval: Approval; decision: Decision }) =>
      withStepUp(() => decide(approval.id, decision)),
    onSuccess: (result, { approval, decision }) => onDecided({ approval, decision, result }),
    onSettled: () => client.invalidateQueries({ queryKey: approvalsQuery.queryKey }),
  });

  const what = (approval: Approval) =>
    approval.kind === 'grant_role'
      ? t('approvals.kind.grant_role', {
          role: approval.requestedRole === null ? '' : roleName(approval.requestedRole, approval.requestedExpertise),
        })
      : t(`approvals.kind.${approval.kind}`);

  return (
    <>
      <ErrorAlert error={mutation.error} />
      <div className="table-scroll">
        <table className="table">
          <caption className="visually-hidden">{t('approvals.list.caption', { count: approvals.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('approvals.list.user')}</th>
              <th scope="col">{t('approvals.list.request')}</th>
              <th scope="col">{t('approvals.list.requestedBy')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {approvals.map((approval) => (
              <tr key={approval.id}>
                <th scope="row">
                  {approval.user.displayName}
                  <span className="table__sub">{approval.user.email}</span>
                </th>
                <td>{what(approval)}</td>
                <td>
                  {approval.requestedBy.displayName}
                  <span className="table__sub">{dateTime(approval.createdAt)}</span>
                </td>
                <td>
                  <div className="row-actions">
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => mutation.mutate({ approval, decision: 'approve' })}
                      disabled={mutation.isPending}
                    >
                      {t('approvals.approve')}
                      <span className="visually-hidden">
                        {' '}
                        {t('approvals.forRequest', { name: approval.user.displayName })}
                      </span>
                    </button>
                    <button
                      type="button"
                      className="button button--secondary button--small"
                      onClick={() => mutation.mutate({ approval, decision: 'reject' })}
                      disabled={mutation.isPending}
                    >
                      {t('approvals.reject')}
                      <span className="visually-hidden">
                        {' '}
                        {t('approvals.forRequest', { name: approval.user.displayName })}
                      </span>
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
