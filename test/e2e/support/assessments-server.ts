import { readFileSync } from 'node:fs';
import type { Actor } from '../../../src/server/access/actor.ts';
import { importModel, publishModel } from '../../../src/server/models/registry.service.ts';
import { systemClock } from '../../../src/server/platform/clock.ts';
import { screenV2Source } from '../../support/models.ts';
import { ASSESSMENTS_TEAM } from './assessments-team.ts';
import { startWithTeam } from './team-server.ts';

const shipped = (name: string) => readFileSync(new URL(`../../../models/${name}.yaml`, import.meta.url), 'utf8');

/**
 * The real server for the assessments journey, with its team (each with the authenticator app set
 * up) and the registry as a team would have it: the screen and the external-result model
 * published, the screen's version 2 (the worked example of docs/models-guide.md) imported as a
 * draft for the journey's team lead to publish.
 */
await startWithTeam(ASSESSMENTS_TEAM, async (server, keys, ids) => {
  const ctx = { database: server.database, clock: systemClock, keys };
  const teamLead = { userId: ids.teamLead, role: 'team_lead' } as Actor;
  const origin = { ip: '127.0.0.1', userAgent: 'assessments-server' };
  for (const source of [shipped('tma-warning-behaviour-screen'), shipped('external-instrument-result')]) {
    const draft = await importModel(ctx, teamLead, source, origin);
    await publishModel(ctx, teamLead, draft.key, draft.version, draft.importedAt, origin);
  }
  await importModel(ctx, teamLead, screenV2Source(), origin);
});
