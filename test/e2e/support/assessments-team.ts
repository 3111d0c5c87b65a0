import type { TeamMember } from './case-team.ts';

/**
 * The team of the assessments journey (test/e2e/assessments.spec.ts), made by its server at start
 * (assessments-server.ts) with passwords and authenticator keys: the lead of the case and a second
 * rater, an expert who works on the case without its assessments, and the team lead who publishes
 * the model's second version.
 */
export const ASSESSMENTS_TEAM = {
  lead: {
    email: 'ada.lead@example.org',
    name: 'Ada Lead',
    password: 'ada leads the case and its conference',
    role: 'threat_manager',
    expertise: null,
    secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  },
  rater: {
    email: 'ravi.rater@example.org',
    name: 'Ravi Rater',
    password: 'ravi rates on his own first',
    role: 'threat_manager',
    expertise: null,
    secret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU',
  },
  expert: {
    email: 'eva.expert@example.org',
    name: 'Eva Expert',
    password: 'eva advises on hr questions only',
    role: 'expert',
    expertise: 'hr',
    secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  },
  teamLead: {
    email: 'tom.teamlead@example.org',
    name: 'Tom Teamlead',
    password: 'tom publishes what the team rates with',
    role: 'team_lead',
    expertise: null,
    secret: 'ONSWG4TFOQ4TQMRTONSWG4TFOQ4TQMRT',
  },
} as const satisfies Record<string, TeamMember>;
