import assert from 'node:assert/strict';
import type { AssessmentContentInput, AssessmentDetail, AssessmentList } from '../../src/contract/assessments.ts';
import { type Browser, call, createAccount, signIn, stepUp } from './accounts.ts';
import { buildTestApp, type TestApp } from './app.ts';
import { grant, openCase } from './cases.ts';
import { publishedModel, screenSource, switchOnOptionalItems } from './models.ts';

/** What the assessments tests share (test/integration/assessments*.test.ts). */
export const SCREEN = { key: 'tma_warning_behaviour_screen', version: '1.0.0' };

/** The critical items rated known: what every finalisable screen needs besides its judgments. */
export const criticalAbsent = {
  energy_burst: { presence: 'absent' },
  last_resort: { presence: 'absent' },
  weapon_access: { presence: 'absent' },
};

export const judged = (priority: string, why = 'Because of what the timeline shows.') => ({
  priority: { value: priority, rationale: why },
  imminence: { value: 'weeks_months', rationale: 'No sign of preparation.' },
  severity: { value: 'serious', rationale: 'Threats against one colleague.' },
});

/** A screen with pathway present and everything the rules then ask for, this incident its evidence. */
export const complete = (incidentId?: string): AssessmentContentInput => ({
  ratings: {
    pathway: {
      presence: 'present',
      relevance: 'high',
      observed: '2026-03-02',
      evidence: { entries: incidentId === undefined ? [] : [incidentId] },
    },
    ...criticalAbsent,
  },
  formulation: 'Grievance after the transfer; the questions about parking suggest research.',
  scenarios: [{ type: 'targeted_violence', victim: 'the shift lead', severity: 'serious', imminence: 'weeks_months' }],
  judgments: judged('high'),
});

export interface AssessmentWorld {
  readonly t: TestApp;
  readonly admin: Browser;
  readonly teamLead: Browser;
  /** The case's lead, stepped up. */
  readonly lead: Browser;
  /** A member with the whole case in scope. */
  readonly rater: Browser;
  readonly raterId: string;
  /** A member with the assessments and the timeline, without the special categories. */
  readonly narrow: Browser;
  /** An expert with the timeline and the documents, without the assessments. */
  readonly expert: Browser;
  readonly caseId: string;
  /** An incident of the case, tagged pathway. */
  readonly incidentId: string;
}

/** A fresh app with the screen published and a case with its people and an incident. */
export async function assessmentWorld(engine: 'pglite' | 'postgres'): Promise<AssessmentWorld> {
  const t = await buildTestApp(engine, { env: { TMA_TIME_ZONE: 'Europe/Berlin' } });
  const admin = await signIn(t, (await createAccount(t, 'admin')).email);
  const teamLead = await signIn(t, (await createAccount(t, 'team_lead')).email);
  await stepUp(t, teamLead);
  await publishedModel(t, admin, teamLead, screenSource);
  // The world's organisation uses the screen's optional items (off unless switched on), so that
  // what each reader sees of the special categories among them can be shown.
  await switchOnOptionalItems(t, teamLead, SCREEN.key, [
    'ideological_framing',
    'mental_disorder',
    'relationship_failure',
  ]);
  const lead = await signIn(t, (await createAccount(t, 'threat_manager')).email);
  await stepUp(t, lead);
  const caseId = (await openCase(t, lead)).id;
  const r = await createAccount(t, 'threat_manager', { displayName: 'Second Rater' });
  const rater = await signIn(t, r.email);
  await grant(t, lead, caseId, { userId: r.id, role: 'member', fullScope: true });
  const n = await createAccount(t, 'threat_manager');
  const narrow = await signIn(t, n.email);
  await grant(t, lead, caseId, {
    userId: n.id,
    role: 'member',
    fullScope: false,
    sections: ['assessments', 'timeline'],
  });
  const e = await createAccount(t, 'expert');
  const expert = await signIn(t, e.email);
  await grant(t, lead, caseId, { userId: e.id, role: 'expert', fullScope: false, sections: ['timeline', 'documents'] });
  const incident = await call(t, lead, 'POST', `/api/cases/${caseId}/timeline`, {
    kind: 'incident',
    occurredOn: '2026-03-02',
    title: 'Asked a colleague where the shift lead parks',
    tags: ['pathway'],
  });
  assert.equal(incident.statusCode, 201, incident.body);
  return { t, admin, teamLead, lead, rater, raterId: r.id, narrow, expert, caseId, incidentId: incident.json().id };
}

/** The assessments API of the world's case, each call as this browser; `…ed` ones assert success. */
export function assessmentCalls(world: () => AssessmentWorld) {
  const base = () => `/api/cases/${world().caseId}/assessments`;
  const start = (browser: Browser, body: object) => call(world().t, browser, 'POST', base(), body);
  const save = (browser: Browser, a: AssessmentDetail, content: AssessmentContentInput) =>
    call(world().t, browser, 'PUT', `${base()}/${a.id}`, { expectedVersion: a.version, ...content });
  return {
    base,
    start,
    save,
    started: async (browser: Browser, body: object): Promise<AssessmentDetail> => {
      const res = await start(browser, body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    },
    saved: async (browser: Browser, a: AssessmentDetail, content: AssessmentContentInput) => {
      const res = await save(browser, a, content);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as AssessmentDetail;
    },
    finalise: (browser: Browser, a: AssessmentDetail) =>
      call(world().t, browser, 'POST', `${base()}/${a.id}/finalise`, { expectedVersion: a.version }),
    read: async (browser: Browser, id: string): Promise<AssessmentDetail> => {
      const res = await call(world().t, browser, 'GET', `${base()}/${id}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    },
    list: async (browser: Browser): Promise<AssessmentList> => {
      const res = await call(world().t, browser, 'GET', base());
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    },
  };
}
