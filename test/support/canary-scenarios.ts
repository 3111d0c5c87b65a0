import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { generateSync } from 'otplib';
import type { Role } from '../../src/contract/accounts.ts';
import { type Browser, call, createAccount, ORIGIN, PASSWORD, signIn, stepUp, tokenOf } from './accounts.ts';
import type { CanaryApp } from './canary-app.ts';
import { form } from './documents.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

/**
 * The canary test's scenarios (test/integration/canary.test.ts): how each operation whose generic
 * body the server refuses is made to succeed, with real tokens, codes and signatures where they
 * must be, while every other field keeps its canary; and the world they share.
 */
// biome-ignore lint/suspicious/noExplicitAny: bodies are built at run time from the document's schemas
export type Body = any;
export interface Prepared {
  browser: Browser | undefined;
  actor: string;
  body: Body;
  url?: string;
  after?: (res: LightMyRequestResponse) => void;
}
/** Makes the canary body of an operation succeed: real tokens, codes and signatures where they must be. */
export type Scenario = (w: World, body: Body) => Promise<Prepared>;

/** Run in this order, before the other operations (setup needs an empty installation). */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'POST /api/setup': async (w, body) => ({
    browser: undefined,
    actor: 'anonymous, with the setup link',
    body: { ...body, token: w.setupToken },
    after: (res) => {
      if (res.statusCode !== 201) return;
      w.admin = { email: body.admin.email, password: body.admin.password };
      w.leadLink = res.json().teamLeadInvitation.url;
    },
  }),
  'POST /api/session': async (w, body) => ({
    browser: undefined,
    actor: 'the administrator of setup',
    body: { ...body, email: need(w.admin).email, password: need(w.admin).password },
  }),
  'POST /api/session/step-up': async (w) => ({
    browser: await signIn(w, need(w.admin).email, need(w.admin).password),
    actor: 'the administrator of setup',
    body: { password: need(w.admin).password },
  }),
  'POST /api/me/password': async (w, body) => ({
    browser: await account(w, 'reporter', false),
    actor: 'reporter',
    body: { ...body, currentPassword: PASSWORD },
  }),
  'POST /api/invitations/accept': async (w, body) => ({
    browser: undefined,
    actor: 'the team lead of setup',
    body: { ...body, token: tokenOf(need(w.leadLink)) },
  }),
  'POST /api/mfa/totp/confirm': async (w, body) => {
    const { browser, secret } = await startTotp(w);
    return { browser, actor: 'threat_manager', body: { ...body, code: generateSync({ secret }) } };
  },
  'POST /api/mfa/passkeys': async (w, body) => {
    const browser = await account(w, 'reporter', true);
    const key = new SoftAuthenticator(ORIGIN);
    const options = await call(w, browser, 'POST', '/api/mfa/passkeys/options');
    const real = key.create(options.json());
    // What the authenticator signs must be real; the rest (transports, extension results) keeps its canaries.
    const { transports: _unsigned, ...signed } = real.response;
    const r = body.response;
    return {
      browser,
      actor: 'reporter',
      body: {
        ...body,
        response: { ...r, id: real.id, rawId: real.rawId, type: real.type, response: { ...r.response, ...signed } },
      },
      after: (res) => {
        if (res.statusCode === 201) w.passkey = key;
      },
    };
  },
  'POST /api/session/passkey': async (w, body) => {
    const options = await w.app.inject({
      method: 'POST',
      url: '/api/session/passkey/options',
      headers: { origin: ORIGIN },
    });
    const real = need(w.passkey).get(options.json());
    const r = body.response;
    return {
      browser: undefined,
      actor: 'anonymous, with the passkey registered above',
      body: { ...body, response: { ...r, id: real.id, rawId: real.rawId, type: real.type, response: real.response } },
    };
  },
  'POST /api/documents': async (w, body) => {
    const { id, email } = await createAccount(w, 'threat_manager');
    w.admit(id);
    const browser = await signIn(w, email);
    w.member = browser;
    return {
      browser,
      actor: 'a member of the case',
      body: { ...body, ownerType: 'case', ownerId: w.caseId, strip: 'false' },
      after: (res) => {
        if (res.statusCode === 201) w.document = { id: res.json().id, version: res.json().version };
      },
    };
  },
  'POST /api/documents/{id}/versions': async (w, body) => ({
    browser: need(w.member),
    actor: 'a member of the case',
    url: `/api/documents/${need(w.document).id}/versions`,
    body: { ...body, expectedVersion: String(need(w.document).version), strip: 'false' },
  }),
  // A valid model whose description carries the canary (JSON is YAML); the definition is sealed.
  'POST /api/models': async (w, body) => ({
    browser: await account(w, 'admin', false),
    actor: 'admin',
    body: {
      source: readFileSync(new URL('../../models/tma-warning-behaviour-screen.yaml', import.meta.url), 'utf8').replace(
        /^description:\n(?: {2}.*\n| {4}.*\n)*/m,
        `description: { en: ${JSON.stringify(body.source)}, de: ${JSON.stringify(body.source)} }\n`,
      ),
    },
  }),
  'POST /api/cases': async (w, body) => {
    const browser = await account(w, 'threat_manager', true);
    return {
      browser,
      actor: 'threat_manager (then the lead)',
      body,
      after: (res) => {
        if (res.statusCode === 201) w.case = { id: res.json().id, lead: browser };
      },
    };
  },
  'PUT /api/cases/{id}': async (w, body) => caseEdit(w, '', body),
  'POST /api/cases/{id}/priority': async (w, body) => caseEdit(w, '/priority', { ...body, priority: 3 }),
  // Closing: the reason and the closure reason both carried.
  'POST /api/cases/{id}/status': async (w, body) =>
    caseEdit(w, '/status', { ...body, status: 'closed', closureReason: 'other' }),
  'POST /api/cases/{id}/break-glass': async (w, body) => ({
    browser: await account(w, 'team_lead', true),
    actor: 'team_lead, not a member',
    url: `/api/cases/${need(w.case).id}/break-glass`,
    body: { ...body, minutes: 60 },
  }),
  'POST /api/cases/{id}/persons': async (w, body) => ({
    browser: need(w.case).lead,
    actor: 'the lead of the case',
    url: `/api/cases/${need(w.case).id}/persons`,
    body: { ...body, role: 'person_of_concern', identity: { ...body.identity, dateOfBirth: '1980-02-29' } },
    after: (res) => {
      if (res.statusCode === 201) w.person = res.json().id;
    },
  }),
  'PUT /api/cases/{id}/persons/{personId}': async (w, body) => personEdit(w, '', { ...body, role: 'witness' }),
  'PUT /api/cases/{id}/persons/{personId}/identity': async (w, body) =>
    personEdit(w, '/identity', { ...body, identity: { ...body.identity, dateOfBirth: '' } }),
  // A day in the past and codes of the closed lists; title, text and source carry their canaries.
  'POST /api/cases/{id}/timeline': async (w, body) => ({
    browser: need(w.case).lead,
    actor: 'the lead of the case',
    url: `/api/cases/${need(w.case).id}/timeline`,
    body: { ...entryCodes(body), personIds: [need(w.person)] },
    after: (res) => {
      if (res.statusCode === 201) w.entry = res.json().id;
    },
  }),
  'PUT /api/cases/{id}/timeline/{entryId}': async (w, body) => ({
    browser: need(w.case).lead,
    actor: 'the lead of the case',
    url: `/api/cases/${need(w.case).id}/timeline/${need(w.entry)}`,
    body: { ...entryCodes(body), expectedVersion: 1 },
  }),
  // The screen imported by the models scenario (its description a canary), published, then started on.
  'POST /api/cases/{id}/assessments': async (w, body) => {
    const teamLead = await account(w, 'team_lead', true);
    const path = '/api/models/tma_warning_behaviour_screen/1.0.0';
    const draft = await call(w, teamLead, 'GET', path);
    assert.equal(draft.statusCode, 200, draft.body);
    const published = await call(w, teamLead, 'POST', `${path}/publish`, {
      expectedImportedAt: draft.json().importedAt,
    });
    assert.equal(published.statusCode, 200, published.body);
    return {
      browser: need(w.case).lead,
      actor: 'the lead of the case',
      url: `/api/cases/${need(w.case).id}/assessments`,
      body: {
        ...body,
        model: { key: 'tma_warning_behaviour_screen', version: '1.0.0' },
        kind: 'single',
        from: undefined,
        basis: undefined,
      },
      after: (res) => {
        if (res.statusCode === 201) w.assessment = res.json().id;
      },
    };
  },
  // The screen published just before: a team lead who has stepped up switches on one of its
  // optional items (an item key, which no canary fits).
  'PUT /api/models/{key}/optional-items': async (w) => ({
    browser: await account(w, 'team_lead', true),
    actor: 'team lead',
    url: '/api/models/tma_warning_behaviour_screen/optional-items',
    body: { items: ['mental_disorder'], expected: [] },
  }),
  // Every text at a place the model has: an item's note (with a text value's canary), the formulation,
  // a scenario, a judgment's rationale (with a dissent's reason: only a consensus records one), an override.
  'PUT /api/cases/{id}/assessments/{assessmentId}': async (w, body) => {
    const first = <T>(record: Record<string, T>) => Object.values(record)[0] as T;
    const rating = first<Body>(body.ratings);
    const judgment = first<Body>(body.judgments);
    const scenario = body.scenarios[0];
    const value = typeof rating.value === 'string' ? ` ${rating.value}` : '';
    return {
      browser: need(w.case).lead,
      actor: 'the lead of the case',
      url: `/api/cases/${need(w.case).id}/assessments/${need(w.assessment)}`,
      body: {
        expectedVersion: 1,
        ratings: { pathway: { presence: 'present', note: `${rating.note}${value}` } },
        formulation: body.formulation,
        scenarios: [
          { ...scenario, type: 'targeted_violence', severity: 'serious', imminence: 'days', likelihood: 'high' },
        ],
        judgments: {
          priority: { value: 'high', rationale: `${judgment.rationale} ${judgment.dissents[0].reason}`, dissents: [] },
        },
        overrides: { consider_active_management: first<string>(body.overrides) },
      },
    };
  },
  'POST /api/cases/{id}/links': async (w, body) => {
    const { id, lead } = need(w.case);
    const other = await freshCase(w, lead);
    return {
      browser: lead,
      actor: 'the lead of both cases',
      url: `/api/cases/${id}/links`,
      body: { ...body, reference: other.reference },
    };
  },
  // Two cases of the lead's own: the case of the other scenarios goes on unmerged.
  'POST /api/cases/{id}/merge': async (w, body) => {
    const { lead } = need(w.case);
    const source = await freshCase(w, lead);
    const target = await freshCase(w, lead);
    return {
      browser: lead,
      actor: 'the lead of both cases',
      url: `/api/cases/${source.id}/merge`,
      body: { ...body, into: target.reference, expectedVersion: source.version },
    };
  },
  'PUT /api/admin/users/{id}/role': async (w, body) => {
    const browser = await account(w, 'admin', true);
    const target = await createAccount(w, 'reporter');
    const users = (await call(w, browser, 'GET', '/api/admin/users')).json().users as { id: string; version: number }[];
    const version = users.find((u) => u.id === target.id)?.version;
    return {
      browser,
      actor: 'admin',
      url: `/api/admin/users/${target.id}/role`,
      body: { ...body, role: 'auditor', expertise: null, version },
    };
  },
};

/**
 * A multipart body: its fields, and the file part carrying the `file` canary as its content (a
 * text file) and in its name, so that both the stored document and its sealed name are searched.
 */
export function asForm(body: Body) {
  const { file, ...fields } = body as Record<string, unknown>;
  const content = String(file ?? 'file');
  const name = `${content.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 120)}.txt`;
  return form(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])), {
    name,
    content: Buffer.from(`${content}\n`),
  });
}

function entryCodes(body: Body): Body {
  return {
    ...body,
    kind: 'incident',
    occurredOn: '2026-01-15',
    occurredTime: '09:30',
    tags: ['leakage'],
    personIds: [],
    documentIds: [],
  };
}

/** Another case of the same lead. */
async function freshCase(w: World, lead: Browser): Promise<{ id: string; reference: string; version: number }> {
  const res = await call(w, lead, 'POST', '/api/cases', { title: 'Another case' });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** An edit of the case by its lead, naming the version it has now. */
async function caseEdit(w: World, path: string, body: Body): Promise<Prepared> {
  const { id, lead } = need(w.case);
  const current = await call(w, lead, 'GET', `/api/cases/${id}`);
  assert.equal(current.statusCode, 200, current.body);
  return {
    browser: lead,
    actor: 'the lead of the case',
    url: `/api/cases/${id}${path}`,
    body: { ...body, expectedVersion: current.json().version },
  };
}

/** An edit of the case's person by the lead, naming the version it has now. */
async function personEdit(w: World, path: string, body: Body): Promise<Prepared> {
  const { id, lead } = need(w.case);
  const personId = need(w.person);
  const list = await call(w, lead, 'GET', `/api/cases/${id}/persons`);
  assert.equal(list.statusCode, 200, list.body);
  const person = (list.json().persons as { id: string; version: number }[]).find((p) => p.id === personId);
  return {
    browser: lead,
    actor: 'the lead of the case',
    url: `/api/cases/${id}/persons/${personId}${path}`,
    body: { ...body, expectedVersion: need(person).version },
  };
}

export function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('an earlier scenario did not succeed');
  return value;
}

export interface World extends CanaryApp {
  admin?: { email: string; password: string };
  leadLink?: string;
  passkey?: SoftAuthenticator;
  member?: Browser;
  document?: { id: string; version: number };
  case?: { id: string; lead: Browser };
  person?: string;
  entry?: string;
  assessment?: string;
}

export async function account(w: World, role: Role, stepped: boolean): Promise<Browser> {
  const browser = await signIn(w, (await createAccount(w, role)).email);
  if (stepped) await stepUp(w, browser);
  return browser;
}

/** A threat manager's TOTP enrolment, started (the confirmation is the caller's). */
export async function startTotp(w: World) {
  const { email } = await createAccount(w, 'threat_manager');
  const browser = await signIn(w, email);
  await stepUp(w, browser);
  const started = await call(w, browser, 'POST', '/api/mfa/totp');
  assert.equal(started.statusCode, 201, started.body);
  return { email, browser, secret: started.json().secret as string };
}
