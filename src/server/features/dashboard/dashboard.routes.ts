import type { FastifyInstance } from 'fastify';
import { Dashboard } from '../../../contract/dashboard.ts';
import { dashboardOf } from '../../dashboard/dashboard.service.ts';
import type { IntakeContext } from '../../intake/context.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/** The team's landing page (docs/dashboard.md). */
export function dashboardRoutes(app: FastifyInstance, ctx: IntakeContext): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/dashboard',
    policy: 'cases.access',
    summary:
      'What needs the caller today: reports and their deadlines (triage roles), their cases, recent activity in them, and for team leads the cases without a lead and the ageing ones',
    tags: ['dashboard'],
    responses: { 200: Dashboard },
    handler: (_input, request) => {
      refuseHead(request);
      return dashboardOf(ctx, actorOf(request), originOf(request));
    },
  });
}
