import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { ApprovalsTable } from './ApprovalsTable.tsx';
import { approvalsQuery } from './approvals-api.ts';
import { type Decided, DecisionNotice } from './DecisionNotice.tsx';

/** The team lead's four-eyes check: every account that would see case content waits here first. */
export function ApprovalsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('approvals.title'));
  const approvals = useQuery(approvalsQuery);
  const [decided, setDecided] = useState<Decided | null>(null);

  return (
    <section className="page" aria-labelledby="approvals-heading">
      <Heading id="approvals-heading">{t('approvals.heading')}</Heading>
      <p className="page__intro">{t('approvals.intro')}</p>
      {decided !== null && <DecisionNotice decided={decided} onDismiss={() => setDecided(null)} />}
      <section className="card" aria-labelledby="approvals-list-heading">
        <h2 id="approvals-list-heading">{t('approvals.list.heading')}</h2>
        {approvals.isPending && <p>{t('common.loading')}</p>}
        {approvals.isError && <ErrorAlert error={approvals.error} />}
        {approvals.isSuccess &&
          (approvals.data.approvals.length === 0 ? (
            <p>{t('approvals.list.empty')}</p>
          ) : (
            <ApprovalsTable approvals={approvals.data.approvals} onDecided={setDecided} />
          ))}
      </section>
    </section>
  );
}
