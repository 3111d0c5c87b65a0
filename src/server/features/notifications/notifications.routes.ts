import type { FastifyInstance } from 'fastify';
import { MarkRead, NotificationList } from '../../../contract/notifications.ts';
import { listNotifications, markRead, type NotificationsContext } from '../../notifications/notifications.service.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf } from '../session/request-origin.ts';

/** The signed-in user's own notifications (the bell in the header). */
export function notificationRoutes(app: FastifyInstance, ctx: NotificationsContext): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/notifications',
    policy: 'self.manage',
    summary: 'The caller’s newest notifications and how many are unread',
    tags: ['notifications'],
    responses: { 200: NotificationList },
    handler: (_input, request) => {
      refuseHead(request);
      return listNotifications(ctx, actorOf(request));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/notifications/read',
    policy: 'self.manage',
    summary: 'Mark the caller’s notifications read: these, or all',
    tags: ['notifications'],
    body: MarkRead,
    responses: { 204: { description: 'marked' } },
    handler: async ({ body }, request, reply) => {
      await markRead(ctx, actorOf(request), body.ids);
      return reply.code(204).send();
    },
  });
}
