import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Notification, NotificationList } from '../../../contract/notifications.ts';
import { apiPost } from '../../api/client.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useDay } from '../intake/useDay.ts';
import { freshUnread, pollInterval } from './live.ts';
import { notificationText } from './notification-text.ts';
import { NOTIFICATIONS_KEY, notificationsQuery } from './notifications-api.ts';
import { useLiveNotifications } from './useLiveNotifications.ts';

/** How long an announcement of news stays in the live region (then it is emptied for the next one). */
const ANNOUNCED_MS = 10_000;

/**
 * The bell in the header: how many notifications are unread, and, opened, the newest of them (a break-glass on
 * a case the user leads; being made a member of a case, or a member no longer; for triage, an urgent report and a
 * report's deadline coming close or passed), each leading to its case or report while the user reaches it. A
 * disclosure: the button says whether the list is open; Escape closes it and returns to the button.
 *
 * Live: the server's event stream says when there is news (useLiveNotifications), and a polite live region says
 * how many new ones came, without moving the focus. Without the stream the bell asks every minute.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const when = useDateTime();
  const client = useQueryClient();
  const mode = useLiveNotifications();
  const query = useQuery({ ...notificationsQuery, refetchInterval: pollInterval(mode) });
  const announcement = useAnnouncement(query.data);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const markAll = useMutation({
    mutationFn: () => apiPost('/api/notifications/read', {}),
    // Its button goes once nothing is unread: the focus goes back to the bell, which says so, not to the page.
    onSuccess: () => button.current?.focus(),
    onSettled: () => client.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  });
  const unread = query.data?.unread ?? 0;
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) close();
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the open list closes it (a disclosure, not a widget).
    <div className="bell" onKeyDown={onKeyDown}>
      <button
        ref={button}
        type="button"
        className="button button--on-brand bell__button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
      >
        <svg className="bell__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" />
        </svg>
        <span>{t('notifications.button', { count: unread })}</span>
      </button>
      {/* Always in the page, so that what comes into it is read out; a new element for each announcement. */}
      <p className="visually-hidden" role="status">
        {announcement !== undefined && <span key={announcement.id}>{announcement.text}</span>}
      </p>
      {open && (
        <section id={panelId} className="bell__panel" aria-label={t('notifications.heading')}>
          <h2 className="bell__heading">{t('notifications.heading')}</h2>
          {query.isError && <ErrorAlert error={query.error} />}
          <ErrorAlert error={markAll.error} />
          {query.data?.notifications.length === 0 && <p>{t('notifications.none')}</p>}
          <ul className="bell__list">
            {query.data?.notifications.map((n) => (
              <li key={n.id} className={n.read ? 'bell__item' : 'bell__item bell__item--unread'}>
                {!n.read && <span className="visually-hidden">{t('notifications.unread')} </span>}
                <NotificationText notification={n} onFollow={() => setOpen(false)} />
                <span className="muted"> {when(n.at)}</span>
              </li>
            ))}
          </ul>
          {unread > 0 && (
            <button
              type="button"
              className="button button--secondary button--small"
              disabled={markAll.isPending}
              onClick={() => markAll.mutate()}
            >
              {t('notifications.markAllRead')}
            </button>
          )}
        </section>
      )}
    </div>
  );
}

/** One notification in words, as a link to what it is about while the server still names it. */
function NotificationText({ notification, onFollow }: { notification: Notification; onFollow: () => void }) {
  const { t } = useTranslation();
  const when = useDateTime();
  const day = useDay();
  const { words, target } = notificationText(notification, t, { when, day });
  if (target === null) return <span>{words}</span>;
  return target.kind === 'case' ? (
    <Link to="/cases/$caseId" params={{ caseId: target.id }} onClick={onFollow}>
      {words}
    </Link>
  ) : (
    <Link to="/triage/$reportId" params={{ reportId: target.id }} onClick={onFollow}>
      {words}
    </Link>
  );
}

/**
 * What the live region says: how many unread notifications came in since the last list (none for the first list
 * the bell sees, nor for one read or gone), for a while.
 */
function useAnnouncement(list: NotificationList | undefined): { id: number; text: string } | undefined {
  const { t } = useTranslation();
  const known = useRef<ReadonlySet<string> | undefined>(undefined);
  const counter = useRef(0);
  const [announcement, setAnnouncement] = useState<{ id: number; text: string }>();
  useEffect(() => {
    if (list === undefined) return;
    const fresh = freshUnread(known.current, list);
    known.current = new Set(list.notifications.map((n) => n.id));
    if (fresh === 0) return;
    counter.current += 1;
    setAnnouncement({ id: counter.current, text: t('notifications.live', { count: fresh }) });
  }, [list, t]);
  useEffect(() => {
    if (announcement === undefined) return;
    const timer = setTimeout(() => setAnnouncement(undefined), ANNOUNCED_MS);
    return () => clearTimeout(timer);
  }, [announcement]);
  return announcement;
}
