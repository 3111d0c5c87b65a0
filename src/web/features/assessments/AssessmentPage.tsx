import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { AssessmentDetail, AssessmentSummary } from '../../../contract/assessments.ts';
import type { CaseDetail, UserRef } from '../../../contract/cases.ts';
import { problemCode } from '../../api/client.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { readsDocuments } from '../cases/CaseReports.tsx';
import { caseDocumentsQuery } from '../cases/cases-api.ts';
import { useCaseDetail } from '../documents/case-reach.ts';
import { useDay } from '../intake/useDay.ts';
import { modelQuery } from '../models/models-api.ts';
import { useModelText } from '../models/useModelText.ts';
import { useSignedInSession } from '../session/useSession.ts';
import { readsTimeline } from '../timeline/kinds.ts';
import { NO_FILTERS, timelineQuery } from '../timeline/timeline-api.ts';
import { AssessmentForm } from './AssessmentForm.tsx';
import { assessmentQuery, assessmentsQuery } from './assessments-api.ts';
import { ExportPdf } from './ExportPdf.tsx';
import type { EvidenceSources } from './form-context.ts';
import { readsIdentities } from './reach.ts';
import { useDate } from './useAssessmentText.ts';
import './assessments.css';

/**
 * One assessment of a case (docs/assessments.md): a rater's draft to fill in, save and finalise,
 * or a finalised assessment to read. The server decides who reaches it (everyone else: not found).
 */
export function AssessmentPage({ caseId, assessmentId }: { caseId: string; assessmentId: string }) {
  const { t } = useTranslation();
  const text = useModelText();
  const detail = useQuery(assessmentQuery(caseId, assessmentId));
  const pin = detail.data?.model;
  const model = useQuery({ ...modelQuery(pin?.key ?? '', pin?.version ?? ''), enabled: pin !== undefined });
  useDocumentTitle(pin === undefined ? t('assessments.page.title') : `${text(pin.title)} ${pin.version}`);

  const failed = detail.error ?? model.error;
  if (failed !== null)
    return (
      <section className="page" aria-labelledby="assessment-heading">
        <Heading id="assessment-heading">{t('assessments.page.title')}</Heading>
        {problemCode(failed) === 'not_found' ? <p>{t('assessments.page.notFound')}</p> : <ErrorAlert error={failed} />}
        <BackToCase caseId={caseId} />
      </section>
    );
  if (!detail.isSuccess || !model.isSuccess) return <p>{t('common.loading')}</p>;
  return (
    <section className="page" aria-labelledby="assessment-heading">
      <AssessmentView key={detail.data.id} caseId={caseId} detail={detail.data} model={model.data.definition} />
    </section>
  );
}

function BackToCase({ caseId, reference }: { caseId: string; reference?: string | undefined }) {
  const { t } = useTranslation();
  return (
    <p>
      <Link to="/cases/$caseId" params={{ caseId }} search={{ tab: 'assessments' }}>
        {reference === undefined ? t('assessments.page.back') : t('assessments.page.backTo', { reference })}
      </Link>
    </p>
  );
}

function AssessmentView({
  caseId,
  detail,
  model,
}: {
  caseId: string;
  detail: AssessmentDetail;
  model: Parameters<typeof AssessmentForm>[0]['model'];
}) {
  const { t } = useTranslation();
  const { user } = useSignedInSession();
  const text = useModelText(model);
  const caseDetail = useCaseDetail(caseId);
  const list = useQuery(assessmentsQuery(caseId));
  const sources = useEvidenceSources(caseId, caseDetail.data);
  const summaries = list.data?.assessments ?? [];
  const basis = detail.basis.flatMap((id) => summaries.filter((s) => s.id === id));
  const raters: UserRef[] | null =
    detail.kind === 'consensus' ? basis.flatMap((s) => (s.rater === null ? [] : [s.rater])) : null;
  const mine = detail.rater === null || detail.rater.id === user.id;
  return (
    <>
      <Heading id="assessment-heading">
        {t('assessments.page.heading', { model: text(detail.model.title), version: detail.model.version })}
      </Heading>
      <BackToCase caseId={caseId} reference={caseDetail.data?.reference} />
      <AssessmentFacts caseId={caseId} detail={detail} summaries={summaries} />
      {detail.status === 'final' ? (
        <p className="page__intro">{t('assessments.page.finalIntro')}</p>
      ) : (
        <p className="page__intro">{t(mine ? 'assessments.page.draftIntro' : 'assessments.page.notYours')}</p>
      )}
      {detail.withheld.length > 0 && (
        <p className="field__hint">{t('assessments.page.withheld', { count: detail.withheld.length })}</p>
      )}
      {detail.previous !== null && <p className="field__hint">{t('assessments.page.previous')}</p>}
      <AssessmentForm caseId={caseId} initial={detail} model={model} raters={raters} sources={sources} mine={mine} />
      {detail.status === 'final' && caseDetail.data !== undefined && (
        <ExportPdf caseId={caseId} assessmentId={detail.id} identitiesAllowed={readsIdentities(caseDetail.data)} />
      )}
    </>
  );
}

/** The timeline's written entries (its first page) and the case's documents, where the reader's scope holds them. */
function useEvidenceSources(caseId: string, detail: CaseDetail | undefined): EvidenceSources {
  const { t } = useTranslation();
  const day = useDay();
  const entriesReadable = detail !== undefined && readsTimeline(detail);
  const documentsReadable = detail !== undefined && readsDocuments(detail);
  const timeline = useInfiniteQuery({ ...timelineQuery(caseId, NO_FILTERS), enabled: entriesReadable });
  const documents = useQuery({ ...caseDocumentsQuery(caseId), enabled: documentsReadable, retry: false });
  const first = timeline.data?.pages[0];
  return {
    entries: !entriesReadable
      ? null
      : (first?.entries ?? [])
          .filter((e) => e.written)
          .map((e) => ({
            id: e.id,
            label: `${day(e.occurredOn)} · ${e.title ?? t(`timeline.kinds.${e.kind}`)}`,
          })),
    documents: !documentsReadable
      ? null
      : (documents.data?.documents ?? []).map((d) => ({ id: d.id, label: d.current.name })),
  };
}

function AssessmentFacts({
  caseId,
  detail,
  summaries,
}: {
  caseId: string;
  detail: AssessmentDetail;
  summaries: readonly AssessmentSummary[];
}) {
  const { t } = useTranslation();
  const when = useDateTime();
  const day = useDay();
  const from = summaries.find((s) => s.id === detail.from);
  const raterName = (r: UserRef | null) => r?.displayName ?? t('assessments.list.someone');
  return (
    <dl className="case-facts">
      <div>
        <dt>{t('assessments.facts.kind')}</dt>
        <dd>{t(`assessments.kinds.${detail.kind}`)}</dd>
      </div>
      <div>
        <dt>{t('assessments.facts.rater')}</dt>
        <dd>{detail.rater === null ? '—' : raterName(detail.rater)}</dd>
      </div>
      <div>
        <dt>{t('assessments.facts.status')}</dt>
        <dd>{t(`assessments.status.${detail.status}`)}</dd>
      </div>
      <div>
        <dt>{t('assessments.facts.started')}</dt>
        <dd>{when(detail.startedAt)}</dd>
      </div>
      {detail.finalisedAt !== null && (
        <div>
          <dt>{t('assessments.facts.finalised')}</dt>
          <dd>{when(detail.finalisedAt)}</dd>
        </div>
      )}
      {detail.reviewDue !== null && (
        <div>
          <dt>{t('assessments.facts.reviewDue')}</dt>
          <dd>{day(detail.reviewDue)}</dd>
        </div>
      )}
      {detail.from !== null && (
        <div>
          <dt>{t('assessments.facts.from')}</dt>
          <dd>
            <AssessmentLink caseId={caseId} summary={from} id={detail.from} />
          </dd>
        </div>
      )}
      {detail.basis.length > 0 && (
        <div>
          <dt>{t('assessments.facts.basis')}</dt>
          <dd>
            {detail.basis.map((id, i) => (
              <span key={id}>
                {i > 0 && ', '}
                <AssessmentLink caseId={caseId} summary={summaries.find((s) => s.id === id)} id={id} />
              </span>
            ))}
          </dd>
        </div>
      )}
    </dl>
  );
}

function AssessmentLink({
  caseId,
  summary,
  id,
}: {
  caseId: string;
  summary: AssessmentSummary | undefined;
  id: string;
}) {
  const { t } = useTranslation();
  const date = useDate();
  const label =
    summary === undefined
      ? t('assessments.facts.another')
      : t('assessments.facts.link', {
          rater: summary.rater?.displayName ?? t('assessments.list.someone'),
          version: summary.model.version,
          date: date(summary.finalisedAt ?? summary.startedAt),
        });
  return (
    <Link to="/cases/$caseId/assessments/$assessmentId" params={{ caseId, assessmentId: id }}>
      {label}
    </Link>
  );
}
