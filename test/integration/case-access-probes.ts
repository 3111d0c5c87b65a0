import type { Role } from '../../src/contract/accounts.ts';

/**
 * The table of need-to-know per case (case-access-matrix.test.ts; SECURITY.md items 2, 3 and 5): every
 * route of a case, asked by every relation a user can have to the case, is either let through or
 * answered 404, exactly as the table below says. A case route without a probe here fails the test.
 *
 * Each probe is a request that an admitted caller gets a distinct answer to (a 200, or a 409 for a
 * stale version, or a 400 for a refused grant) without changing the case for the next relation;
 * a refused caller gets 404, the same as for a case that does not exist.
 */
export type Relation =
  | 'lead'
  | 'member'
  | 'out_of_scope_member'
  | 'documents_expert'
  | 'expired_expert'
  | 'non_member'
  | 'team_lead'
  | 'break_glass'
  | 'recused_team_lead'
  | 'former_member_now_admin'
  | 'auditor'
  | 'reporter';

export const RELATIONS: readonly { relation: Relation; role: Role }[] = [
  { relation: 'lead', role: 'threat_manager' },
  { relation: 'member', role: 'threat_manager' },
  { relation: 'out_of_scope_member', role: 'threat_manager' },
  { relation: 'documents_expert', role: 'expert' },
  { relation: 'expired_expert', role: 'expert' },
  { relation: 'non_member', role: 'threat_manager' },
  { relation: 'team_lead', role: 'team_lead' },
  { relation: 'break_glass', role: 'team_lead' },
  { relation: 'recused_team_lead', role: 'team_lead' },
  { relation: 'former_member_now_admin', role: 'admin' },
  { relation: 'auditor', role: 'auditor' },
  { relation: 'reporter', role: 'reporter' },
];

/** Who each need admits. */
export const ADMITS: Record<string, readonly Relation[]> = {
  entry: ['lead', 'member', 'out_of_scope_member', 'documents_expert', 'team_lead', 'break_glass'],
  overview: ['lead', 'member', 'break_glass'],
  roster: ['lead', 'member', 'team_lead', 'break_glass'],
  edit: ['lead', 'member'],
  manage: ['lead', 'team_lead', 'break_glass'],
  oversee: ['lead', 'break_glass'],
  break_glass: ['team_lead'],
  merge: ['lead'],
  own_glass: ['break_glass'],
  persons_read: ['lead', 'member', 'break_glass'],
  persons_write: ['lead', 'member'],
  identities_read: ['lead', 'member', 'break_glass'],
  identities_write: ['lead', 'member'],
  documents_read: ['lead', 'member', 'documents_expert', 'break_glass'],
  documents_write: ['lead', 'member', 'documents_expert'],
  timeline_read: ['lead', 'member', 'out_of_scope_member', 'break_glass'],
  timeline_write: ['lead', 'member', 'out_of_scope_member'],
  assessments_read: ['lead', 'member', 'break_glass'],
  assessments_write: ['lead', 'member'],
};

export interface Ids {
  readonly caseId: string;
  readonly reference: string;
  readonly leadId: string;
  readonly memberId: string;
  readonly adminId: string;
  readonly personId: string;
  readonly otherPersonId: string;
  /** A written entry of the case's timeline. */
  readonly entryId: string;
  /** A finalised assessment of the case. */
  readonly assessmentId: string;
  /** A relation made afresh for each probe that removes one. */
  relation(): Promise<string>;
  /** An account recused afresh (by the lead) for each probe that lifts a conflict. */
  conflicted(): Promise<string>;
  /** A case of the lead's and the member's, linked afresh for each probe that unlinks one. */
  linked(): Promise<string>;
}

export interface Probe {
  readonly need: keyof typeof ADMITS;
  /** The admitted caller's answer. */
  readonly status: number;
  readonly path?: (ids: Ids) => string | Promise<string>;
  readonly body?: (ids: Ids) => object;
}

const STALE = 999_999;
export const PROBES: Record<string, Probe> = {
  'GET /api/cases/:id': { need: 'entry', status: 200 },
  'PUT /api/cases/:id': {
    need: 'edit',
    status: 409,
    body: () => ({ expectedVersion: STALE, title: 'x', summary: '', tags: [] }),
  },
  'POST /api/cases/:id/status': {
    need: 'edit',
    status: 409,
    body: () => ({ expectedVersion: STALE, status: 'assessment' }),
  },
  'POST /api/cases/:id/priority': {
    need: 'edit',
    status: 409,
    body: () => ({ expectedVersion: STALE, priority: 2, reason: 'probe' }),
  },
  'POST /api/cases/:id/break-glass': {
    need: 'break_glass',
    status: 201,
    body: () => ({ purpose: 'the access matrix probes this', minutes: 15 }),
  },
  'DELETE /api/cases/:id/break-glass': { need: 'own_glass', status: 204 },
  'GET /api/cases/:id/access-log': { need: 'manage', status: 200 },
  'GET /api/cases/:id/reports': { need: 'timeline_read', status: 200 },
  'GET /api/cases/:id/timeline': { need: 'timeline_read', status: 200 },
  'POST /api/cases/:id/timeline': {
    need: 'timeline_write',
    status: 400,
    body: () => ({ kind: 'note', occurredOn: '2999-01-01', title: 'x' }),
  },
  'PUT /api/cases/:id/timeline/:entryId': {
    need: 'timeline_write',
    status: 409,
    path: (ids) => `/api/cases/${ids.caseId}/timeline/${ids.entryId}`,
    body: () => ({ expectedVersion: STALE, kind: 'note', occurredOn: '2026-01-01', title: 'x' }),
  },
  'GET /api/cases/:id/timeline/:entryId/versions': {
    need: 'timeline_read',
    status: 200,
    path: (ids) => `/api/cases/${ids.caseId}/timeline/${ids.entryId}/versions`,
  },
  'GET /api/cases/:id/assessments': { need: 'assessments_read', status: 200 },
  'GET /api/cases/:id/assessment-changes': { need: 'assessments_read', status: 200 },
  'POST /api/cases/:id/assessments': {
    need: 'assessments_write',
    status: 409,
    body: () => ({ model: { key: 'no_such_model', version: '1.0.0' }, kind: 'single' }),
  },
  'GET /api/cases/:id/assessments/:assessmentId': {
    need: 'assessments_read',
    status: 200,
    path: (ids) => `/api/cases/${ids.caseId}/assessments/${ids.assessmentId}`,
  },
  // A finalised assessment: its rater, and every other writer, is answered 409 assessment_final.
  'PUT /api/cases/:id/assessments/:assessmentId': {
    need: 'assessments_write',
    status: 409,
    path: (ids) => `/api/cases/${ids.caseId}/assessments/${ids.assessmentId}`,
    body: () => ({ expectedVersion: STALE }),
  },
  'POST /api/cases/:id/assessments/:assessmentId/finalise': {
    need: 'assessments_write',
    status: 409,
    path: (ids) => `/api/cases/${ids.caseId}/assessments/${ids.assessmentId}/finalise`,
    body: () => ({ expectedVersion: STALE }),
  },
  // A finalised assessment as a PDF (with pseudonyms): every reader of the assessments, stepped up.
  'GET /api/cases/:id/assessments/:assessmentId/export': {
    need: 'assessments_read',
    status: 200,
    path: (ids) => `/api/cases/${ids.caseId}/assessments/${ids.assessmentId}/export?language=de`,
  },
  'GET /api/cases/:id/members': { need: 'roster', status: 200 },
  'GET /api/cases/:id/candidates': { need: 'manage', status: 200 },
  'POST /api/cases/:id/members': {
    need: 'manage',
    status: 400,
    body: (ids) => ({ userId: ids.adminId, role: 'member', fullScope: true }),
  },
  'PUT /api/cases/:id/members/:userId': {
    need: 'manage',
    status: 409,
    path: (ids) => `/api/cases/${ids.caseId}/members/${ids.memberId}`,
    body: () => ({ expectedVersion: STALE, fullScope: true }),
  },
  'DELETE /api/cases/:id/members/:userId': {
    need: 'manage',
    status: 409,
    path: (ids) => `/api/cases/${ids.caseId}/members/${ids.memberId}?expectedVersion=${STALE}`,
  },
  'GET /api/cases/:id/persons': { need: 'persons_read', status: 200 },
  'POST /api/cases/:id/persons': { need: 'persons_write', status: 201, body: () => ({ role: 'witness' }) },
  'PUT /api/cases/:id/persons/:personId': {
    need: 'persons_write',
    status: 409,
    path: (ids) => `/api/cases/${ids.caseId}/persons/${ids.personId}`,
    body: () => ({ expectedVersion: STALE, role: 'witness', notes: '' }),
  },
  'PUT /api/cases/:id/persons/:personId/identity': {
    need: 'identities_write',
    status: 409,
    path: (ids) => `/api/cases/${ids.caseId}/persons/${ids.personId}/identity`,
    body: () => ({ expectedVersion: STALE, identity: {} }),
  },
  'POST /api/cases/:id/persons/:personId/reveal': {
    need: 'identities_read',
    status: 200,
    path: (ids) => `/api/cases/${ids.caseId}/persons/${ids.personId}/reveal`,
  },
  'POST /api/cases/:id/persons/:personId/conflicts': {
    need: 'oversee',
    status: 204,
    path: (ids) => `/api/cases/${ids.caseId}/persons/${ids.personId}/conflicts`,
    body: (ids) => ({ userId: ids.adminId }),
  },
  'GET /api/cases/:id/conflicts': { need: 'oversee', status: 200 },
  'DELETE /api/cases/:id/persons/:personId/conflicts/:userId': {
    need: 'oversee',
    status: 204,
    path: async (ids) => `/api/cases/${ids.caseId}/persons/${ids.personId}/conflicts/${await ids.conflicted()}`,
  },
  'POST /api/cases/:id/relations': {
    need: 'persons_write',
    status: 201,
    body: (ids) => ({ from: ids.personId, to: ids.otherPersonId, kind: 'colleague' }),
  },
  'DELETE /api/cases/:id/relations/:relationId': {
    need: 'persons_write',
    status: 204,
    path: async (ids) => `/api/cases/${ids.caseId}/relations/${await ids.relation()}`,
  },
  'GET /api/cases/:id/related': { need: 'overview', status: 200 },
  'POST /api/cases/:id/links': {
    need: 'edit',
    status: 400,
    body: (ids) => ({ reference: ids.reference }),
  },
  'DELETE /api/cases/:id/links/:otherId': {
    need: 'edit',
    status: 204,
    path: async (ids) => `/api/cases/${ids.caseId}/links/${await ids.linked()}`,
  },
  'POST /api/cases/:id/merge': {
    need: 'merge',
    status: 400,
    body: (ids) => ({ into: ids.reference, reason: 'probe', expectedVersion: 1 }),
  },
  'POST /api/cases/:id/lead': {
    need: 'manage',
    status: 409,
    body: (ids) => ({ expectedVersion: STALE, userId: ids.memberId }),
  },
};
