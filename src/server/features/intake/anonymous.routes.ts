import type { FastifyInstance } from 'fastify';
import { FloodChallenge, IntakeSettings } from '../../../contract/intake-settings.ts';
import { ReceiptCheck, ReceiptMessage, ReporterView, ReportReceipt, SubmitReport } from '../../../contract/reports.ts';
import type { IntakeContext } from '../../intake/context.ts';
import { messageByReceipt, throttled, viewByReceipt } from '../../intake/reporter.service.ts';
import { submitAnonymous } from '../../intake/submit.service.ts';
import { ForbiddenError } from '../../platform/http/errors.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';

/** Under a flood, a report without a solved challenge is refused, and says so. */
function proven(ctx: IntakeContext, proof: { seed: string; nonce: string } | undefined): void {
  const now = ctx.clock.now().getTime();
  if (!ctx.flood.required(now)) return;
  if (proof !== undefined && ctx.flood.accept(proof, now)) return;
  throw new ForbiddenError(
    'Many reports are arriving right now: solve the challenge and send again.',
    'challenge_required',
  );
}

/**
 * The anonymous channel over HTTP (docs/intake.md; SECURITY.md item 29). Its policy, 'anonymous',
 * skips the session lookup and leaves no request log line or metric; the client's address is used
 * only for the in-memory throttle, under a keyed hash, and never reaches a service.
 */
export function anonymousRoutes(app: FastifyInstance, ctx: IntakeContext, uploadLimitBytes: number): void {
  defineRoute(app, {
    method: 'GET',
    url: '/api/anonymous/intake',
    policy: 'anonymous',
    summary: 'What the report form shows before anything is sent: the emergency number and the team’s phone',
    tags: ['reports'],
    responses: { 200: IntakeSettings },
    handler: () => ({
      emergencyNumber: ctx.intake.emergencyNumber,
      teamPhone: ctx.intake.teamPhone ?? null,
      acknowledgeDays: ctx.intake.acknowledgeDays,
      feedbackMonths: ctx.intake.feedbackMonths,
      uploadLimitBytes,
    }),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/anonymous/reports',
    policy: 'anonymous',
    summary:
      'Report anonymously; the answer holds the receipt, shown once (a retry the same day, same key and content, gets it again)',
    tags: ['reports'],
    body: SubmitReport,
    responses: { 201: ReportReceipt },
    handler: async ({ body }, request, reply) => {
      throttled(ctx, request.ip);
      proven(ctx, body.proof);
      // Every attempt counts towards a flood, refused or not: a flood of refusals costs work too.
      ctx.flood.count(ctx.clock.now().getTime());
      const receipt = await ctx.gate.run(() => submitAnonymous(ctx, body as Parameters<typeof submitAnonymous>[1]));
      return reply.code(201).send(receipt);
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/anonymous/challenge',
    policy: 'anonymous',
    summary: 'A proof-of-work challenge, and whether reports need one now (only under a flood)',
    tags: ['reports'],
    responses: { 200: FloodChallenge },
    handler: (_input, request) => {
      refuseHead(request);
      // Seeds gathered in quiet times would be solved ahead of a flood: asking costs a request too.
      throttled(ctx, request.ip);
      const now = ctx.clock.now().getTime();
      return { required: ctx.flood.required(now), ...ctx.flood.issue(now) };
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/anonymous/receipt',
    policy: 'anonymous',
    summary: 'The status, messages and content of the report a receipt opens (the receipt in the body, never a URL)',
    tags: ['reports'],
    body: ReceiptCheck,
    responses: { 200: ReporterView },
    handler: ({ body }, request) => {
      refuseHead(request);
      throttled(ctx, request.ip);
      return ctx.gate.run(() => viewByReceipt(ctx, body.receipt));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/anonymous/receipt/messages',
    policy: 'anonymous',
    summary: 'A message from the anonymous reporter to the team',
    tags: ['reports'],
    body: ReceiptMessage,
    responses: { 201: ReporterView },
    handler: async ({ body }, request, reply) => {
      throttled(ctx, request.ip);
      return reply.code(201).send(await ctx.gate.run(() => messageByReceipt(ctx, body.receipt, body.body)));
    },
  });
}
