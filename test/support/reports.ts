import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type {
  RecordReport,
  ReportReceipt,
  SubmitReport,
  SubmittedReport,
  TriageDetail,
} from '../../src/contract/reports.ts';
import { type Browser, call, ORIGIN } from './accounts.ts';
import type { TestApp } from './app.ts';

/** A report body as the form sends it, with a fresh idempotency key. */
export function aReport(overrides: Partial<SubmitReport> = {}): SubmitReport {
  return {
    urgency: 'normal',
    whatHappened: 'A colleague said in the canteen that "someone will pay" for his dismissal.',
    incidentDate: '',
    whenDetail: 'around noon',
    location: 'canteen, building B',
    persons: [
      {
        role: 'person_of_concern',
        name: 'Max Mustermann',
        orgUnit: 'Logistics',
        contact: 'max.mustermann@example.com',
        employeeNumber: '',
        dateOfBirth: '',
        description: '',
      },
    ],
    behaviours: [{ behaviour: 'leakage', answer: 'yes' }],
    idempotencyKey: randomUUID(),
    consent: true,
    ...overrides,
  };
}

export function aRecordedReport(overrides: Partial<RecordReport> = {}): RecordReport {
  const { consent: _consent, ...base } = aReport();
  return {
    ...base,
    channel: 'phone',
    receivedOn: new Date().toISOString().slice(0, 10),
    reporter: { name: 'Erika Anruferin', contact: '+49 151 2345678', relation: 'colleague of the target' },
    ...overrides,
  };
}

/** The anonymous channel, as a browser without an account (or with one: its cookie must change nothing). */
export function anonymously(t: TestApp, url: string, payload: object, options: { ip?: string; cookie?: string } = {}) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: {
      origin: ORIGIN,
      'user-agent': 'Mozilla/5.0 (TraceTest) UniqueAgent/42',
      ...(options.cookie === undefined ? {} : { cookie: `__Host-tma=${options.cookie}` }),
    },
    remoteAddress: options.ip ?? '203.0.113.77',
    payload,
  });
}

export async function submitAnonymously(
  t: TestApp,
  body: SubmitReport = aReport(),
  ip?: string,
): Promise<ReportReceipt> {
  const res = await anonymously(t, '/api/anonymous/reports', body, ip === undefined ? {} : { ip });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as ReportReceipt;
}

export async function submitSignedIn(
  t: TestApp,
  browser: Browser,
  body: SubmitReport = aReport(),
): Promise<SubmittedReport> {
  const res = await call(t, browser, 'POST', '/api/reports', body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as SubmittedReport;
}

export async function triageOf(t: TestApp, browser: Browser, id: string): Promise<TriageDetail> {
  const res = await call(t, browser, 'GET', `/api/triage/reports/${id}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as TriageDetail;
}

/** The id of the report with this receipt, as the team sees it in the inbox (by elimination: the newest new one). */
export async function idOfReceipt(t: TestApp, receipt: string): Promise<string> {
  const publicId = receipt.replace(/-/g, '').slice(0, 8);
  const row = await t.database.db
    .selectFrom('reports')
    .select('id')
    .where('receipt_id', '=', publicId)
    .executeTakeFirstOrThrow();
  return row.id;
}
