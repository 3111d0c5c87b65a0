import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { MarkRead, NotificationList } from '../../../contract/notifications.ts';
import type { NotificationHub } from '../../notifications/live.ts';
import { listNotifications, markRead, type NotificationsContext } from '../../notifications/notifications.service.ts';
import { sessionOpen } from '../../notifications/session-open.ts';
import { TooManyRequestsError } from '../../platform/http/errors.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf } from '../session/request-origin.ts';

export interface LiveContext extends NotificationsContext {
  readonly hub: NotificationHub;
  readonly idleSeconds: number;
  /** How often an open stream checks its session and sends a comment through proxies (25 s). */
  readonly beatMs: number;
}

/** Streams per user per instance: a few tabs, not an exhaustion of connections. */
const STREAMS_PER_USER = 5;

/** The signed-in user's own notifications (the bell in the header). */
export function notificationRoutes(app: FastifyInstance, ctx: LiveContext): void {
  const open = new Set<ServerResponse>();
  // Streams never end by themselves: the server ends them, or closing would wait for them forever.
  app.addHook('preClose', (done) => {
    for (const res of open) res.end();
    done();
  });
  app.addHook('onClose', async () => ctx.hub.close());
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
    method: 'GET',
    url: '/api/notifications/stream',
    policy: 'self.manage',
    // An open tab listening is no sign of the person: the stream never extends the idle timeout.
    passive: true,
    summary:
      'Server-sent events: "changed" whenever the caller’s bell has news (then read GET /api/notifications), "ended" when the session does; nothing else',
    tags: ['notifications'],
    responses: { 200: { description: 'text/event-stream' } },
    handler: (_input, request, reply) => {
      refuseHead(request);
      const actor = actorOf(request);
      if (ctx.hub.count(actor.userId) >= STREAMS_PER_USER) throw new TooManyRequestsError(60);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      });
      open.add(res);
      const session = { id: actor.sessionId, role: actor.role };
      let checking = false;
      let changed = false;
      const stop = () => {
        clearInterval(beat);
        unsubscribe();
        open.delete(res);
        if (!res.writableEnded) res.end();
      };
      // Every message first asks whether the session still holds. News that comes in during the
      // question is sent after it, never dropped; a beat meanwhile is not needed.
      const send = async () => {
        if (checking || res.writableEnded) return;
        checking = true;
        try {
          if (!(await sessionOpen(ctx.database.db, session, ctx.clock.now(), ctx.idleSeconds))) {
            res.write('event: ended\ndata: \n\n');
            stop();
            return;
          }
          const message = changed ? 'event: changed\ndata: \n\n' : ': beat\n\n';
          changed = false;
          res.write(message);
        } catch {
          stop();
        } finally {
          checking = false;
        }
        if (changed) void send();
      };
      const unsubscribe = ctx.hub.subscribe(actor.userId, () => {
        changed = true;
        void send();
      });
      const beat = setInterval(() => void send(), ctx.beatMs);
      request.raw.on('close', stop);
      res.write('retry: 5000\n\nevent: changed\ndata: \n\n');
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
