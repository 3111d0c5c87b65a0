import { Link } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimelineEntry } from '../../../contract/timeline.ts';
import { useDateTime } from '../../ui/useDateTime.ts';
import { EntryForm, type EntryFormContext } from './EntryForm.tsx';
import { EntryHistoryView } from './EntryHistoryView.tsx';
import { KindBadge } from './KindBadge.tsx';
import { groupOf } from './kinds.ts';
import { useRecordedSentence, useTimeOfDay } from './useTimelineText.ts';

/**
 * One entry of the list: its kind, time, title and text as written (line breaks kept), where it
 * comes from, its warning behaviours, persons and attachments, and who wrote it. A written entry
 * that was edited says so and opens its earlier versions; the reader who may write edits it here.
 */
export function EntryItem({
  entry,
  form,
  canWrite,
}: {
  entry: TimelineEntry;
  form: EntryFormContext;
  canWrite: boolean;
}) {
  const { t } = useTranslation();
  const when = useDateTime();
  const time = useTimeOfDay();
  const sentence = useRecordedSentence();
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const stopEditing = () => {
    setEditing(false);
    window.setTimeout(() => editButton.current?.focus(), 0);
  };
  const [history, setHistory] = useState(false);
  const headingId = `tl-entry-${entry.id}`;
  const heading = entry.written ? (entry.title ?? t(`timeline.kinds.${entry.kind}`)) : sentence(entry);
  const group = groupOf(entry.kind);

  return (
    <li className={`tl-entry tl-entry--${group}`}>
      <article aria-labelledby={headingId}>
        <p className="tl-entry__meta">
          <KindBadge kind={entry.kind} />
          <time dateTime={entry.occurredTime === null ? entry.occurredOn : entry.occurredAt}>
            {time(entry.occurredTime)}
          </time>
        </p>
        <h4 id={headingId} className="tl-entry__title">
          {heading}
        </h4>
        {entry.body !== null && entry.body !== '' && <p className="case-text">{entry.body}</p>}
        {entry.change?.reason != null && (
          <p className="case-text">
            <strong>{t('timeline.entry.reason')}</strong> {entry.change.reason}
          </p>
        )}
        {entry.change?.assessment != null && (
          <p>
            <Link
              to="/cases/$caseId/assessments/$assessmentId"
              params={{ caseId: form.caseId, assessmentId: entry.change.assessment }}
            >
              {t('timeline.entry.openAssessment')}
            </Link>
          </p>
        )}
        <EntryFacts entry={entry} />
        {!entry.written && entry.document !== null && entry.kind !== 'document_deleted' && (
          <p>
            <Link to="/documents/$documentId" params={{ documentId: entry.document.id }}>
              {t('timeline.entry.openDocument', { name: entry.document.name })}
            </Link>
          </p>
        )}
        <p className="tl-entry__by muted">
          {entry.written
            ? t('timeline.entry.writtenBy', { name: entry.author?.displayName ?? t('timeline.recorded.someone') })
            : t('timeline.entry.recorded')}
          {entry.editedAt !== null && (
            <>
              {' · '}
              {t('timeline.entry.edited', {
                name: entry.editedBy?.displayName ?? t('timeline.recorded.someone'),
                when: when(entry.editedAt),
                version: entry.version,
              })}
            </>
          )}
        </p>
        {entry.written && (
          <div className="row-actions">
            {entry.version > 1 && (
              <button
                type="button"
                className="button button--secondary button--small"
                aria-expanded={history}
                onClick={() => setHistory(!history)}
              >
                {history ? t('timeline.history.hide') : t('timeline.history.show')}
                <span className="visually-hidden"> {t('timeline.entry.of', { title: heading })}</span>
              </button>
            )}
            {canWrite && !editing && (
              <button
                ref={editButton}
                type="button"
                className="button button--secondary button--small"
                onClick={() => setEditing(true)}
              >
                {t('timeline.edit.open')}
                <span className="visually-hidden"> {t('timeline.entry.quoted', { title: heading })}</span>
              </button>
            )}
          </div>
        )}
        {history && <EntryHistoryView caseId={form.caseId} entryId={entry.id} title={heading} />}
      </article>
      {editing && <EntryForm context={form} entry={entry} onDone={stopEditing} onCancel={stopEditing} />}
    </li>
  );
}

/** Source, warning behaviours, persons and attachments, where the entry has them. */
function EntryFacts({ entry }: { entry: TimelineEntry }) {
  const { t } = useTranslation();
  const persons =
    entry.persons === null
      ? entry.personCount > 0
        ? t('timeline.entry.personCount', { count: entry.personCount })
        : null
      : entry.persons.length > 0
        ? entry.persons.map((p) => t('persons.pseudonym', { letters: p.pseudonym })).join(', ')
        : null;
  const facts = entry.source !== null && entry.source !== '';
  if (!facts && entry.tags.length === 0 && persons === null && entry.documents.length === 0) return null;
  return (
    <dl className="tl-facts">
      {entry.source !== null && entry.source !== '' && (
        <div>
          <dt>{t('timeline.fields.source')}</dt>
          <dd>{entry.source}</dd>
        </div>
      )}
      {entry.tags.length > 0 && (
        <div>
          <dt>{t('timeline.fields.tags')}</dt>
          <dd>
            <ul className="case-tags">
              {entry.tags.map((tag) => (
                <li key={tag} className="badge badge--warn">
                  {t(`triage.behaviours.${tag}`)}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
      {persons !== null && (
        <div>
          <dt>{t('timeline.fields.persons')}</dt>
          <dd>{persons}</dd>
        </div>
      )}
      {entry.documents.length > 0 && (
        <div>
          <dt>{t('timeline.fields.documents')}</dt>
          <dd>
            <ul className="tl-links">
              {entry.documents.map((d) => (
                <li key={d.id}>
                  <Link to="/documents/$documentId" params={{ documentId: d.id }}>
                    {d.name}
                  </Link>
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
    </dl>
  );
}
