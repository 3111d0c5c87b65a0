import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { modelJsonSchema, modelReference } from './reference.ts';

test('the format reference and the JSON Schema in the repository are what the schema gives (npm run models:reference)', () => {
  const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
  // The same schema (the file as the formatter left it).
  assert.deepEqual(JSON.parse(read('models/model.schema.json')), modelJsonSchema());
  assert.equal(read('docs/models-reference.md'), `${modelReference()}\n`);
});
