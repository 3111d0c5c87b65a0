import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEventView, AuditOutcome } from '../../../contract/audit.ts';
import { useDateTime } from '../../ui/useDateTime.ts';
import { formatDetail, useCodeLabels } from './labels.ts';

const OUTCOME_TONE: Record<AuditOutcome, string> = { allowed: 'ok', denied: 'error', failed: 'warn' };

/** A code or id in monospace that may wrap after its dots, dashes, slashes and the like (not inside a word). */
function Code({ text, sub = false }: { text: string; sub?: boolean }) {
  const parts = text.split(/(?<=[._\-/=:])/);
  return (
    <span className={sub ? 'table__sub audit-code' : 'audit-code'}>
      {parts.map((part, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed text, never reordered
        <Fragment key={index}>
          {index > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </span>
  );
}

/** A cell with nothing in it: a dash to see, a word to hear. */
function Nothing() {
  const { t } = useTranslation();
  return (
    <>
      <span aria-hidden="true" className="table__muted">
        –
      </span>
      <span className="visually-hidden">{t('audit.events.none')}</span>
    </>
  );
}

function When({ event }: { event: AuditEventView }) {
  const { t, i18n } = useTranslation();
  const dateTime = useDateTime({ seconds: true });
  // The anonymous channel keeps only the day (midnight UTC): a time of day would be made up.
  const day = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' });
  return (
    <>
      <time dateTime={event.at}>{event.anonymous ? day.format(new Date(event.at)) : dateTime(event.at)}</time>
      {event.anonymous && <span className="table__sub">{t('audit.events.dayOnly')}</span>}
      <span className="table__sub">
        {event.seq === null ? t('audit.events.unchained') : t('audit.events.seq', { seq: event.seq })}
      </span>
    </>
  );
}

function Actor({ event }: { event: AuditEventView }) {
  const { t } = useTranslation();
  if (event.actor !== null)
    return (
      <>
        {event.actor.displayName}
        <span className="table__sub table__email">{event.actor.email}</span>
      </>
    );
  return <span className="table__muted">{t(event.anonymous ? 'audit.actor.anonymous' : 'audit.actor.system')}</span>;
}

function EventObject({ event }: { event: AuditEventView }) {
  const { t } = useTranslation();
  const labels = useCodeLabels();
  if (event.objectType === null && event.caseId === null) return <Nothing />;
  return (
    <>
      {event.objectType !== null && labels.objectType(event.objectType)}
      {event.objectId !== null && <Code text={event.objectId} sub />}
      {event.caseId !== null && <Code text={t('audit.events.case', { id: event.caseId })} sub />}
    </>
  );
}

/** One page (or several) of the trail, newest first. Codes and ids only: the trail holds no case content. */
export function AuditEventsTable({ events }: { events: readonly AuditEventView[] }) {
  const { t } = useTranslation();
  const labels = useCodeLabels();

  return (
    // Focusable, so that keyboard users can scroll the wide table sideways.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <section className="table-scroll" aria-labelledby="audit-events-caption" tabIndex={0}>
      <table className="table table--compact">
        <caption id="audit-events-caption" className="visually-hidden">
          {t('audit.events.caption', { count: events.length })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.events.time')}</th>
            <th scope="col">{t('audit.events.actor')}</th>
            <th scope="col">{t('audit.events.action')}</th>
            <th scope="col">{t('audit.events.object')}</th>
            <th scope="col">{t('audit.events.outcome')}</th>
            <th scope="col">{t('audit.events.ip')}</th>
            <th scope="col">{t('audit.events.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => {
            const detail = formatDetail(event.detail);
            return (
              <tr key={event.id}>
                <th scope="row">
                  <When event={event} />
                </th>
                <td>
                  <Actor event={event} />
                </td>
                <td>
                  {labels.action(event.action)}
                  <Code text={event.action} sub />
                </td>
                <td>
                  <EventObject event={event} />
                </td>
                <td>
                  <span className={`badge badge--${OUTCOME_TONE[event.outcome]}`}>
                    {t(`audit.outcome.${event.outcome}`)}
                  </span>
                </td>
                <td>{event.ip === null ? <Nothing /> : <Code text={event.ip} />}</td>
                <td>
                  {detail.length === 0 ? (
                    <Nothing />
                  ) : (
                    <ul className="audit-detail">
                      {detail.map((pair) => (
                        <li key={pair}>
                          <Code text={pair} />
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
