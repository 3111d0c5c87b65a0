import type { Person } from './accounts.ts';

/**
 * The intake journey's people (test/e2e/intake.spec.ts), made by its server at start
 * (intake-server.ts): a threat manager who triages, a second one who later joins the case with its
 * timeline alone, and an employee (role reporter, who needs no second factor) who reports under their
 * name. The anonymous reporter has no account at all.
 */
export interface IntakePerson extends Person {
  readonly role: 'threat_manager' | 'reporter';
  readonly secret?: string;
}

export const INTAKE_TEAM = {
  manager: {
    email: 'tom.triage@example.org',
    name: 'Tom Triage',
    password: 'tom reads every report the same day',
    role: 'threat_manager',
    secret: 'NBSWY3DPO5XXE3DENBSWY3DPO5XXE3DE',
  },
  colleague: {
    email: 'tina.timeline@example.org',
    name: 'Tina Timeline',
    password: 'tina reads the timeline of her cases',
    role: 'threat_manager',
    secret: 'ORUW4YJAORUW23DJNZSSA4TFMFSHG5DI',
  },
  employee: {
    email: 'emma.employee@example.org',
    name: 'Emma Employee',
    password: 'emma reports what worries her',
    role: 'reporter',
  },
} as const satisfies Record<string, IntakePerson>;

/** The team's phone the report form shows beside the emergency number (the server's TMA_TEAM_PHONE). */
export const INTAKE_TEAM_PHONE = '+49 30 1234 5678';
