import { CASE_TEAM } from './case-team.ts';
import { startWithTeam } from './team-server.ts';

/** The real server for the cases journey, with its team, each with the authenticator app set up. */
await startWithTeam(CASE_TEAM);
