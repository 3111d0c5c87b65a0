import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../contract/cases.ts';
import { problemCode } from '../../api/client.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { type Tab, Tabs } from '../../ui/Tabs.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { AssessmentsSection } from '../assessments/AssessmentsSection.tsx';
import { readsAssessments } from '../assessments/reach.ts';
import { readsTimeline } from '../timeline/kinds.ts';
import { TimelineSection } from '../timeline/TimelineSection.tsx';
import { AccessLogSection } from './AccessLogSection.tsx';
import { BreakGlassForm, BreakGlassNotice } from './BreakGlass.tsx';
import { PriorityBadge, StatusBadge } from './CaseBadges.tsx';
import { CaseDocuments } from './CaseDocuments.tsx';
import { CaseOverview } from './CaseOverview.tsx';
import { CaseReports, readsDocuments, readsReports } from './CaseReports.tsx';
import { caseQuery } from './cases-api.ts';
import { MembersSection } from './MembersSection.tsx';
import { holds, PersonsSection } from './PersonsSection.tsx';
import { RelatedSection } from './RelatedSection.tsx';

export type TabKey =
  | 'overview'
  | 'timeline'
  | 'assessments'
  | 'persons'
  | 'reports'
  | 'members'
  | 'documents'
  | 'related'
  | 'access';

/** The tabs the reader's reach holds: the server answers 404 for the others anyway. */
function tabsOf(c: CaseDetail): TabKey[] {
  const { access } = c;
  const roster = c.overview !== null || access.canManageMembers;
  return [
    'overview',
    ...(readsTimeline(c) ? (['timeline'] as const) : []),
    ...(readsAssessments(c) ? (['assessments'] as const) : []),
    ...(holds(c, 'persons') ? (['persons'] as const) : []),
    ...(readsReports(c) ? (['reports'] as const) : []),
    ...(roster ? (['members'] as const) : []),
    ...(readsDocuments(c) ? (['documents'] as const) : []),
    ...(c.overview !== null ? (['related'] as const) : []),
    ...(access.canReadAccessLog ? (['access'] as const) : []),
  ];
}

/** `tab`: the part to open with (a page of the case links back to its part); the overview otherwise. */
export function CasePage({ caseId, tab: initialTab = 'overview' }: { caseId: string; tab?: TabKey }) {
  const { t } = useTranslation();
  const query = useQuery(caseQuery(caseId));
  useDocumentTitle(query.data?.reference ?? t('cases.case.title'));
  const [tab, setTab] = useState<TabKey>(initialTab);

  if (query.isPending) return <p>{t('common.loading')}</p>;
  if (query.isError) {
    return (
      <section className="page" aria-labelledby="case-heading">
        <Heading id="case-heading">{t('cases.case.title')}</Heading>
        {problemCode(query.error) === 'not_found' ? (
          <p>{t('cases.case.notFound')}</p>
        ) : (
          <ErrorAlert error={query.error} />
        )}
      </section>
    );
  }
  const c = query.data;
  const tabs = tabsOf(c);
  const shown = tabs.includes(tab) ? tab : 'overview';
  const labels: Record<TabKey, string> = {
    overview: t('cases.tabs.overview'),
    timeline: t('cases.tabs.timeline'),
    assessments: t('cases.tabs.assessments'),
    persons: t('cases.tabs.persons'),
    reports: t('cases.tabs.reports'),
    members: t('cases.tabs.members'),
    documents: t('cases.tabs.documents'),
    related: t('cases.tabs.related'),
    access: t('cases.tabs.access'),
  };
  return (
    <section className="page" aria-labelledby="case-heading">
      <div className="case-header">
        <Heading id="case-heading">{c.reference}</Heading>
        <StatusBadge status={c.status} />
        <PriorityBadge priority={c.priority} />
      </div>
      <CaseFacts detail={c} />
      {c.access.kind === 'break_glass' && <BreakGlassNotice detail={c} />}
      {c.closureReason === 'merged' && <MergedNote detail={c} />}
      <Tabs
        id="case"
        label={t('cases.tabs.label')}
        tabs={tabs.map((key): Tab<TabKey> => ({ key, label: labels[key] }))}
        selected={shown}
        onSelect={setTab}
      >
        {shown === 'overview' &&
          (c.access.kind === 'list' ? <BreakGlassForm detail={c} /> : <CaseOverview detail={c} />)}
        {shown === 'timeline' && <TimelineSection detail={c} />}
        {shown === 'assessments' && <AssessmentsSection detail={c} />}
        {shown === 'persons' && <PersonsSection detail={c} />}
        {shown === 'reports' && <CaseReports caseId={c.id} files={readsDocuments(c)} />}
        {shown === 'members' && <MembersSection detail={c} />}
        {shown === 'documents' && <CaseDocuments caseId={c.id} />}
        {shown === 'related' && <RelatedSection detail={c} />}
        {shown === 'access' && <AccessLogSection caseId={c.id} />}
      </Tabs>
    </section>
  );
}

function CaseFacts({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const when = useDateTime();
  const { access } = detail;
  const reach =
    access.kind === 'member'
      ? t(`cases.roles.${access.role ?? 'member'}`)
      : access.kind === 'break_glass'
        ? t('cases.access.breakGlass')
        : t('cases.access.list');
  const scope = access.fullScope
    ? t('cases.scope.full')
    : access.sections.map((s) => t(`cases.sections.${s}`)).join(', ') || '—';
  return (
    <dl className="case-facts">
      <div>
        <dt>{t('cases.fields.lead')}</dt>
        <dd>{detail.lead?.displayName ?? t('cases.list.noLead')}</dd>
      </div>
      <div>
        <dt>{t('cases.fields.created')}</dt>
        <dd>{when(detail.createdAt)}</dd>
      </div>
      <div>
        <dt>{t('cases.fields.updated')}</dt>
        <dd>{when(detail.updatedAt)}</dd>
      </div>
      <div>
        <dt>{t('cases.access.yours')}</dt>
        <dd>{reach}</dd>
      </div>
      {access.kind !== 'list' && (
        <div>
          <dt>{t('cases.scope.label')}</dt>
          <dd>{scope}</dd>
        </div>
      )}
      {access.expiresAt !== null && (
        <div>
          <dt>{t('cases.access.until')}</dt>
          <dd>{when(access.expiresAt)}</dd>
        </div>
      )}
    </dl>
  );
}

/** A merged case is a closed record; where its content went, for a reader who reaches that case. */
function MergedNote({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const target = detail.mergedInto;
  return (
    <Alert tone="info">
      <p className="merged-note">
        {target === null ? (
          t('links.mergedAway')
        ) : (
          <>
            {t('links.mergedInto')}{' '}
            <Link to="/cases/$caseId" params={{ caseId: target.id }}>
              {target.reference}
            </Link>
          </>
        )}
      </p>
    </Alert>
  );
}
