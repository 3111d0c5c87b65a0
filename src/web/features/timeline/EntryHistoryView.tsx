import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { EntryHistory } from '../../../contract/timeline.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useDay } from '../intake/useDay.ts';
import { KindBadge } from './KindBadge.tsx';
import { entryHistoryQuery } from './timeline-api.ts';
import { useTimeOfDay } from './useTimelineText.ts';

type Version = EntryHistory['versions'][number];

/** Every version of a written entry, newest first, each as it was saved: nothing of an earlier one is lost. */
export function EntryHistoryView({ caseId, entryId, title }: { caseId: string; entryId: string; title: string }) {
  const { t } = useTranslation();
  const history = useQuery(entryHistoryQuery(caseId, entryId));
  const headingId = `tl-history-${entryId}`;
  return (
    <section className="tl-history" aria-labelledby={headingId}>
      <h5 id={headingId}>{t('timeline.history.heading', { title })}</h5>
      {history.isPending && <p>{t('common.loading')}</p>}
      <ErrorAlert error={history.error} />
      {history.data !== undefined && (
        <ol className="tl-history__list">
          {history.data.versions.map((v) => (
            <VersionItem key={v.version} version={v} entryId={entryId} />
          ))}
        </ol>
      )}
    </section>
  );
}

function VersionItem({ version: v, entryId }: { version: Version; entryId: string }) {
  const { t } = useTranslation();
  const when = useDateTime();
  const day = useDay();
  const time = useTimeOfDay();
  const id = `tl-version-${entryId}-${v.version}`;
  return (
    <li>
      <article className="tl-version" aria-labelledby={id}>
        <h6 id={id} className="tl-version__heading">
          {t('timeline.history.version', {
            version: v.version,
            when: when(v.editedAt),
            name: v.editedBy?.displayName ?? t('timeline.recorded.someone'),
          })}
        </h6>
        <dl className="tl-facts">
          <div>
            <dt>{t('timeline.fields.kind')}</dt>
            <dd>
              <KindBadge kind={v.kind} />
            </dd>
          </div>
          <div>
            <dt>{t('timeline.fields.occurred')}</dt>
            <dd>
              {day(v.occurredOn)}, {time(v.occurredTime)}
            </dd>
          </div>
          <div>
            <dt>{t('timeline.fields.title')}</dt>
            <dd>{v.title}</dd>
          </div>
          {v.body !== '' && (
            <div>
              <dt>{t('timeline.fields.body')}</dt>
              <dd className="case-text">{v.body}</dd>
            </div>
          )}
          {v.source !== '' && (
            <div>
              <dt>{t('timeline.fields.source')}</dt>
              <dd>{v.source}</dd>
            </div>
          )}
          {v.tags.length > 0 && (
            <div>
              <dt>{t('timeline.fields.tags')}</dt>
              <dd>{v.tags.map((tag) => t(`triage.behaviours.${tag}`)).join(', ')}</dd>
            </div>
          )}
          {v.personCount > 0 && (
            <div>
              <dt>{t('timeline.fields.persons')}</dt>
              <dd>{t('timeline.entry.personCount', { count: v.personCount })}</dd>
            </div>
          )}
        </dl>
      </article>
    </li>
  );
}
