import assert from 'node:assert/strict';
import type { CaseDetail, GrantMember } from '../../src/contract/cases.ts';
import type { RelatedCases } from '../../src/contract/links.ts';
import { type Browser, call } from './accounts.ts';
import type { TestApp } from './app.ts';

/** Opens a case as this (signed-in) threat manager or team lead, who then leads it. */
export async function openCase(
  t: TestApp,
  browser: Browser,
  fields: { title?: string; summary?: string; tags?: string[] } = {},
): Promise<CaseDetail> {
  const res = await call(t, browser, 'POST', '/api/cases', { title: 'Threats in the workshop', ...fields });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Grants membership (the browser must have stepped up). */
export async function grant(t: TestApp, browser: Browser, caseId: string, body: GrantMember): Promise<void> {
  const res = await call(t, browser, 'POST', `/api/cases/${caseId}/members`, body);
  assert.equal(res.statusCode, 204, res.body);
}

/** The case's linked cases and merge records, as this browser may read them. */
export async function relatedOf(t: TestApp, browser: Browser, caseId: string): Promise<RelatedCases> {
  const res = await call(t, browser, 'GET', `/api/cases/${caseId}/related`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}
