import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type Browser, call } from './accounts.ts';
import type { TestApp } from './app.ts';

/** A shipped model's source (models/). */
export const shippedModel = (name: string) =>
  readFileSync(new URL(`../../models/${name}.yaml`, import.meta.url), 'utf8');

export const screenSource = shippedModel('tma-warning-behaviour-screen');

/**
 * Version 2.0.0 of the screen, the worked example of docs/models-guide.md: leakage split into what
 * was said and what was written, carried over by its migration map.
 */
export function screenV2Source(): string {
  const leakage = screenSource.slice(
    screenSource.indexOf('      - key: leakage\n'),
    screenSource.indexOf('      - key: last_resort\n'),
  );
  const split =
    leakage.replace('key: leakage', 'key: leakage_spoken') + leakage.replace('key: leakage', 'key: leakage_written');
  return `${screenSource
    .replace('version: 1.0.0', 'version: 2.0.0\nsupersedes: 1.0.0')
    .replace(leakage, split)
    .replace(
      'when: "leakage.presence == \'present\'"',
      "when: \"leakage_spoken.presence == 'present' or leakage_written.presence == 'present'\"",
    )
    .replace(
      'require: [leakage.evidence, leakage.observed]',
      'require: [leakage_spoken.evidence, leakage_written.evidence]',
    )}\nmigration:\n  from: 1.0.0\n  items: { leakage: [leakage_spoken, leakage_written] }\n`;
}

/** Imports (an administrator) and publishes (a team lead who has stepped up) a model version. */
export async function publishedModel(t: TestApp, admin: Browser, teamLead: Browser, source: string) {
  const imported = await call(t, admin, 'POST', '/api/models', { source });
  assert.equal(imported.statusCode, 201, imported.body);
  const { key, version, importedAt } = imported.json();
  const published = await call(t, teamLead, 'POST', `/api/models/${key}/${version}/publish`, {
    expectedImportedAt: importedAt,
  });
  assert.equal(published.statusCode, 200, published.body);
  return { key: key as string, version: version as string };
}

/** Switches on (a team lead who has stepped up) the model's optional items named, and no other. */
export async function switchOnOptionalItems(t: TestApp, teamLead: Browser, key: string, items: readonly string[]) {
  const { items: expected } = (await call(t, teamLead, 'GET', `/api/models/${key}/optional-items`)).json();
  const res = await call(t, teamLead, 'PUT', `/api/models/${key}/optional-items`, { items, expected });
  assert.equal(res.statusCode, 200, res.body);
}
