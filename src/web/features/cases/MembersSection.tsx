import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail, Member } from '../../../contract/cases.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useStepUp } from '../session/StepUp.tsx';
import { ChangeMemberForm } from './ChangeMemberForm.tsx';
import { membersQuery, revokeMember, transferLead } from './cases-api.ts';
import { GrantMemberForm } from './GrantMemberForm.tsx';

/** Who works on the case, in which role and scope, until when; the lead and team leads change it. */
export function MembersSection({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const members = useQuery(membersQuery(detail.id));
  const manage = detail.access.canManageMembers;
  const [changing, setChanging] = useState<string | null>(null);
  const changed = members.data?.members.find((m) => m.user.id === changing);
  return (
    <>
      <section className="card" aria-labelledby="members-heading">
        <h2 id="members-heading">{t('cases.members.heading')}</h2>
        {members.isPending && <p>{t('common.loading')}</p>}
        {members.isError && <ErrorAlert error={members.error} />}
        {members.data !== undefined && (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('cases.members.name')}</th>
                  <th scope="col">{t('cases.members.role')}</th>
                  <th scope="col">{t('cases.scope.label')}</th>
                  <th scope="col">{t('cases.access.until')}</th>
                  {manage && <th scope="col">{t('cases.members.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {members.data.members.map((m) => (
                  <MemberRow
                    key={m.user.id}
                    member={m}
                    detail={detail}
                    manage={manage}
                    onChange={() => setChanging(m.user.id)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {manage && changed !== undefined && (
        <ChangeMemberForm key={changed.user.id} caseId={detail.id} member={changed} onDone={() => setChanging(null)} />
      )}
      {manage && <GrantMemberForm caseId={detail.id} />}
    </>
  );
}

function MemberRow({
  member,
  detail,
  manage,
  onChange,
}: {
  member: Member;
  detail: CaseDetail;
  manage: boolean;
  onChange: () => void;
}) {
  const { t } = useTranslation();
  const when = useDateTime();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const refresh = () => client.invalidateQueries({ queryKey: ['cases', detail.id] });
  const revoke = useMutation({
    mutationFn: () => withStepUp(() => revokeMember(detail.id, member.user.id, member.version)),
    onSettled: refresh,
  });
  const lead = useMutation({
    mutationFn: () =>
      withStepUp(() => transferLead(detail.id, { expectedVersion: detail.version, userId: member.user.id })),
    onSettled: refresh,
  });
  const name = member.user.displayName ?? t('cases.members.unknown');
  const who = <span className="visually-hidden"> {t('cases.members.forUser', { name })}</span>;
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{t(`cases.roles.${member.role}`)}</td>
      <td>
        {member.fullScope ? t('cases.scope.full') : member.sections.map((s) => t(`cases.sections.${s}`)).join(', ')}
      </td>
      <td>{member.expiresAt === null ? '—' : when(member.expiresAt)}</td>
      {manage && (
        <td>
          {member.role !== 'lead' && (
            <div className="row-actions">
              <button type="button" className="button button--secondary button--small" onClick={onChange}>
                {t('cases.members.change')}
                {who}
              </button>
              {member.role === 'member' && (
                <button
                  type="button"
                  className="button button--secondary button--small"
                  onClick={() => lead.mutate()}
                  disabled={lead.isPending}
                >
                  {t('cases.members.makeLead')}
                  {who}
                </button>
              )}
              <button
                type="button"
                className="button button--secondary button--small"
                onClick={() => revoke.mutate()}
                disabled={revoke.isPending}
              >
                {t('cases.members.revoke')}
                {who}
              </button>
              <ErrorAlert error={revoke.error ?? lead.error} />
            </div>
          )}
        </td>
      )}
    </tr>
  );
}
