import type { Dashboard } from '../../contract/dashboard.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import type { Origin } from '../cases/context.ts';
import type { IntakeContext } from '../intake/context.ts';
import { policyOf, todayOf } from '../intake/context.ts';
import { activityPart } from './activity.ts';
import { myCasesPart, teamPart } from './cases.ts';
import { membershipsOf } from './memberships.ts';
import { reportsPart } from './reports.ts';
import { reviewsPart } from './reviews.ts';

/** The team's landing page for the caller (docs/dashboard.md); the read is an audit event. */
export async function dashboardOf(ctx: IntakeContext, actor: Actor, origin: Origin): Promise<Dashboard> {
  const db = ctx.database.db;
  const now = ctx.clock.now();
  const today = todayOf(ctx);
  const zone = ctx.intake.timeZone;
  const memberships = await membershipsOf(ctx.database, actor, now);
  const [reports, mine, activity, reviews, team] = await Promise.all([
    reportsPart(db, actor, today, policyOf(ctx), memberships),
    myCasesPart(db, ctx.keys, memberships, today, zone),
    activityPart(ctx.database, ctx.keys, actor, memberships),
    reviewsPart(db, memberships, today),
    teamPart(db, ctx.keys, actor, now, today, zone),
  ]);
  await recordAudit(db, now, {
    action: 'dashboard.viewed',
    outcome: 'allowed',
    actorUserId: actor.userId,
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail: {
      cases: mine.myCases.length + (team?.unled.length ?? 0) + (team?.ageing.length ?? 0),
      reports: reports?.items.length ?? 0,
      activity: activity.length,
    },
  });
  return { today, reports, ...mine, activity, reviews, team };
}
