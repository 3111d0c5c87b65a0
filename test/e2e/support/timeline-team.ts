import type { TeamMember } from './case-team.ts';

/**
 * The team of the timeline and live-bell journeys (test/e2e/timeline.spec.ts,
 * test/e2e/notifications.spec.ts), made by their server at start (timeline-server.ts) with
 * passwords and authenticator keys: the lead who opens the case and writes its timeline, and a
 * colleague who is added to it; the lead who grants and ends a membership, and the member whose
 * bell is watched. Each journey has its own people, so one's bell never hears the other's.
 */
export const TIMELINE_TEAM = {
  lead: {
    email: 'tilda.lead@example.org',
    name: 'Tilda Lead',
    password: 'tilda writes down what happened and when',
    role: 'threat_manager',
    expertise: null,
    secret: 'NBSWY3DPO5XXE3DENBSWY3DPO5XXE3DE',
  },
  colleague: {
    email: 'carl.colleague@example.org',
    name: 'Carl Colleague',
    password: 'carl joins the case on the second day',
    role: 'threat_manager',
    expertise: null,
    secret: 'MZXW6YTBOJUWUZDPMZXW6YTBOJUWUZDP',
  },
  granter: {
    email: 'nele.lead@example.org',
    name: 'Nele Lead',
    password: 'nele grants and ends memberships',
    role: 'threat_manager',
    expertise: null,
    secret: '2O7IYHDAHJIDYM55HNETO7AKWCFCS2SY',
  },
  watcher: {
    email: 'bo.member@example.org',
    name: 'Bo Member',
    password: 'bo keeps an eye on the bell',
    role: 'threat_manager',
    expertise: null,
    secret: 'TVY4TG55YFEZTFRHEVP6BR3E4WCM562F',
  },
} as const satisfies Record<string, TeamMember>;
