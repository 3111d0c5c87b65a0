import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { problemCode } from '../../api/client.ts';
import { useLinkToken } from '../../api/link-token.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { AcceptForm } from './AcceptForm.tsx';
import { invitationQuery } from './invitation-api.ts';

export type Purpose = 'invite' | 'reset';

/** /invite#<token> and /reset#<token>: whom the link is for, then the new password, typed twice. */
export function InvitationPage({ purpose }: { purpose: Purpose }) {
  const { t } = useTranslation();
  useDocumentTitle(t(`invitation.${purpose}.title`));
  const token = useLinkToken();

  return (
    <section className="page page--narrow" aria-labelledby="invitation-heading">
      <Heading id="invitation-heading">{t(`invitation.${purpose}.heading`)}</Heading>
      {token.status === 'ok' ? (
        <InvitationLookup token={token.token} />
      ) : (
        <LinkProblem title={t('invitation.unknown.title')} body={t('invitation.unknown.body')} />
      )}
    </section>
  );
}

function InvitationLookup({ token }: { token: string }) {
  const { t } = useTranslation();
  const lookup = useQuery(invitationQuery(token));

  if (lookup.isPending) return <p>{t('common.loading')}</p>;
  if (lookup.isError) {
    const code = problemCode(lookup.error);
    if (code === 'link_expired')
      return <LinkProblem title={t('invitation.expired.title')} body={t('invitation.expired.body')} />;
    if (code === 'not_found')
      return <LinkProblem title={t('invitation.unknown.title')} body={t('invitation.unknown.body')} />;
    return <ErrorAlert error={lookup.error} />;
  }
  // A reset link opened as /invite (or the other way round) still works: the server knows what it is for.
  return <AcceptForm token={token} info={lookup.data} />;
}

function LinkProblem({ title, body }: { title: string; body: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Alert tone="warning" title={title}>
      <p>{body}</p>
      <p>
        <Link to="/sign-in">{t('invitation.toSignIn')}</Link>
      </p>
    </Alert>
  );
}
