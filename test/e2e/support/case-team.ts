import type { Person } from './accounts.ts';

/**
 * The team of the cases journey (test/e2e/cases.spec.ts), made by its server at start
 * (cases-server.ts) with passwords and authenticator keys: the accounts journey tests how accounts
 * come to be; this one starts where a team works.
 */
export interface TeamMember extends Person {
  readonly role: 'threat_manager' | 'team_lead' | 'expert' | 'admin';
  readonly expertise: 'hr' | null;
  readonly secret: string;
}

export const CASE_TEAM = {
  lead: {
    email: 'lina.lead@example.org',
    name: 'Lina Lead',
    password: 'lina keeps the case file in order',
    role: 'threat_manager',
    expertise: null,
    secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  },
  outsider: {
    email: 'otto.outside@example.org',
    name: 'Otto Outside',
    password: 'otto works on other cases entirely',
    role: 'threat_manager',
    expertise: null,
    secret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU',
  },
  teamLead: {
    email: 'tara.teamlead@example.org',
    name: 'Tara Teamlead',
    password: 'tara opens cases only when she must',
    role: 'team_lead',
    expertise: null,
    secret: 'MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK',
  },
  expert: {
    email: 'eva.expert@example.org',
    name: 'Eva Expert',
    password: 'eva reads the documents she is shown',
    role: 'expert',
    expertise: 'hr',
    secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  },
  // Imports assessment models (test/e2e/models.spec.ts); sees no case content.
  admin: {
    email: 'ada.admin@example.org',
    name: 'Ada Admin',
    password: 'ada runs the system and reads no case',
    role: 'admin',
    expertise: null,
    secret: 'ONSWG4TFOQ5GC3TJONSWG4TFOQ5GC3TJ',
  },
} as const satisfies Record<string, TeamMember>;
