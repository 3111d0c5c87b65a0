import { startWithTeam } from './team-server.ts';
import { TIMELINE_TEAM } from './timeline-team.ts';

/** The real server for the timeline journey, with its team, each with the authenticator app set up. */
await startWithTeam(TIMELINE_TEAM);
