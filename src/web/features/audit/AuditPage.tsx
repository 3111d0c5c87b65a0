import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditFilter } from '../../../contract/audit.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { AuditEventsSection } from './AuditEventsSection.tsx';
import { AuditFilterForm } from './AuditFilterForm.tsx';
import { AuditIntegrityPanel } from './AuditIntegrityPanel.tsx';
import { auditStatusQuery } from './audit-api.ts';

/**
 * The auditor's view of the audit trail: whether its hash chain is intact, and who did what when, filtered.
 * The trail holds codes and ids only, never case content; every look at it is itself recorded.
 */
export function AuditPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('audit.title'));
  const status = useQuery(auditStatusQuery);
  const [filter, setFilter] = useState<AuditFilter>({});

  return (
    <section className="page" aria-labelledby="audit-heading">
      <Heading id="audit-heading">{t('audit.heading')}</Heading>
      <p className="page__intro">{t('audit.intro')}</p>
      {status.isPending && <p>{t('common.loading')}</p>}
      {status.isError && <ErrorAlert error={status.error} />}
      {status.isSuccess && <AuditIntegrityPanel status={status.data} />}
      <AuditFilterForm actions={status.data?.actions ?? []} onApply={setFilter} />
      <AuditEventsSection filter={filter} />
    </section>
  );
}
