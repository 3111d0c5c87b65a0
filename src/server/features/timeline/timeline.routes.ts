import type { FastifyInstance } from 'fastify';
import { CaseParams } from '../../../contract/cases.ts';
import {
  CreateEntry,
  EntryHistory,
  EntryParams,
  TimelinePage,
  TimelineQuery,
  UpdateEntry,
  WrittenEntry,
} from '../../../contract/timeline.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import type { TimelineContext } from '../../timeline/context.ts';
import { createEntry, entryHistory, updateEntry } from '../../timeline/entries.service.ts';
import { type Filters, listTimeline } from '../../timeline/list.service.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/** The timeline of a case (docs/timeline.md). */
export function timelineRoutes(app: FastifyInstance, ctx: TimelineContext): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/timeline',
    policy: 'cases.access',
    summary:
      'A page of the case’s timeline, newest first, with the chart’s data on the first page (the timeline section)',
    tags: ['timeline'],
    params: CaseParams,
    query: TimelineQuery,
    responses: { 200: TimelinePage },
    handler: ({ params, query }, request) => {
      refuseHead(request);
      return listTimeline(ctx, actorOf(request), params.id, query as Filters, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/cases/:id/timeline',
    policy: 'cases.access',
    summary:
      'Write an entry on the case’s timeline: an incident, observation, conversation, measure note, exculpatory information or note',
    tags: ['timeline'],
    params: CaseParams,
    body: CreateEntry,
    responses: { 201: WrittenEntry },
    handler: async ({ params, body }, request, reply) =>
      reply
        .code(201)
        .send(
          await createEntry(
            ctx,
            actorOf(request),
            params.id,
            body as Parameters<typeof createEntry>[3],
            originOf(request),
          ),
        ),
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/cases/:id/timeline/:entryId',
    policy: 'cases.access',
    summary: 'Edit a written entry: a new version, the older ones stay readable',
    tags: ['timeline'],
    params: EntryParams,
    body: UpdateEntry,
    responses: { 200: WrittenEntry },
    handler: ({ params, body }, request) =>
      updateEntry(
        ctx,
        actorOf(request),
        params.id,
        params.entryId,
        body as Parameters<typeof updateEntry>[4],
        originOf(request),
      ),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/cases/:id/timeline/:entryId/versions',
    policy: 'cases.access',
    summary: 'Every version of a written entry, newest first',
    tags: ['timeline'],
    params: EntryParams,
    responses: { 200: EntryHistory },
    handler: ({ params }, request) => {
      refuseHead(request);
      return entryHistory(ctx, actorOf(request), params.id, params.entryId, originOf(request));
    },
  });
}
