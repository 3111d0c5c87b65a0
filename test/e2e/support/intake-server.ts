import { INTAKE_TEAM } from './intake-team.ts';
import { startWithTeam } from './team-server.ts';

/** The real server for the intake journey, with its people: the triage team and an employee. */
await startWithTeam(INTAKE_TEAM);
