import { queryOptions } from '@tanstack/react-query';
import { NotificationList } from '../../../contract/notifications.ts';
import { apiGet } from '../../api/client.ts';

export const NOTIFICATIONS_KEY = ['notifications'] as const;

/** The server's event stream of the signed-in user's bell (same origin, the session cookie). */
export const STREAM_URL = '/api/notifications/stream';

export const notificationsQuery = queryOptions({
  queryKey: NOTIFICATIONS_KEY,
  // Passive: the bell asks on its own, and must not keep an unattended session alive past its idle timeout.
  queryFn: ({ signal }) => apiGet('/api/notifications', NotificationList, { signal, passive: true }),
});
