import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SetupResult } from '../../../contract/accounts.ts';
import { useLinkToken } from '../../api/link-token.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { OneTimeLinkBox } from '../../ui/OneTimeLinkBox.tsx';
import { SetupForm } from './SetupForm.tsx';
import { setupStatusQuery } from './setup-api.ts';

/** The first start: the setup link's token → the administrator and the first team lead → the team lead's link. */
export function SetupPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('setup.title'));
  const token = useLinkToken();
  const status = useQuery(setupStatusQuery);
  const [result, setResult] = useState<{ result: SetupResult; teamLeadName: string } | null>(null);

  if (result !== null) return <SetupDone result={result.result} teamLeadName={result.teamLeadName} />;

  let body: ReactNode;
  if (status.isPending) body = <p>{t('common.loading')}</p>;
  else if (status.isError) body = <ErrorAlert error={status.error} />;
  else if (!status.data.needed)
    body = (
      <Alert tone="info" title={t('setup.notNeeded.title')}>
        <p>{t('setup.notNeeded.body')}</p>
        <p>
          <Link to="/sign-in">{t('setup.toSignIn')}</Link>
        </p>
      </Alert>
    );
  else if (token.status !== 'ok')
    body = (
      <Alert tone="warning" title={t(token.status === 'missing' ? 'setup.noToken.title' : 'setup.badToken.title')}>
        <p>{t('setup.noToken.body')}</p>
      </Alert>
    );
  else body = <SetupForm token={token.token} onDone={(r, teamLeadName) => setResult({ result: r, teamLeadName })} />;

  return (
    <section className="page" aria-labelledby="setup-heading">
      <Heading id="setup-heading">{t('setup.heading')}</Heading>
      <p className="page__intro">{t('setup.intro')}</p>
      {body}
    </section>
  );
}

function SetupDone({ result, teamLeadName }: { result: SetupResult; teamLeadName: string }) {
  const { t } = useTranslation();
  return (
    <section className="page" aria-labelledby="setup-done-heading">
      <Heading id="setup-done-heading" focus>
        {t('setup.done.heading')}
      </Heading>
      <Alert tone="success">
        <p>{t('setup.done.body')}</p>
      </Alert>
      <div className="card">
        <h2>{t('setup.done.linkHeading', { name: teamLeadName })}</h2>
        <p>{t('setup.done.linkIntro', { name: teamLeadName })}</p>
        <OneTimeLinkBox link={result.teamLeadInvitation} label={t('setup.done.linkLabel', { name: teamLeadName })} />
      </div>
      <p className="page__next">
        <Link to="/sign-in" className="button">
          {t('setup.toSignIn')}
        </Link>
      </p>
    </section>
  );
}
