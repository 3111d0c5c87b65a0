import assert from 'node:assert/strict';
import { test } from 'node:test';
import de from './de.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };

/**
 * Values that are rightly the same in both languages: names, language names in their own language, and words
 * German has borrowed unchanged.
 */
const SAME_IN_BOTH = new Set([
  'TMA',
  'Threat Management Assistant',
  'Deutsch',
  'English',
  'Name',
  'Compliance',
  'Status',
  'Passkeys',
  'Version',
  // "Person" is German too; a case's pseudonyms read the same in both ("Person A").
  'Person',
  'Person {{letters}}',
  // Only placeholders and a dash, or an arrow.
  '{{from}} – {{kind}} – {{to}}',
  '{{before}} → {{after}}',
]);

type Tree = { readonly [key: string]: unknown };

/** Nested resources as dotted keys: { a: { b: 'x' } } becomes { 'a.b': 'x' }. Non-string leaves stay as they are. */
function flatten(tree: Tree, prefix = ''): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of flatten(value as Tree, path)) flat.set(k, v);
    } else {
      flat.set(path, value);
    }
  }
  return flat;
}

const languages = { de: flatten(de), en: flatten(en) };

test('every key exists in both German and English', () => {
  const missingInDe = [...languages.en.keys()].filter((key) => !languages.de.has(key));
  const missingInEn = [...languages.de.keys()].filter((key) => !languages.en.has(key));
  assert.deepEqual(missingInDe, [], `keys missing in de.json: ${missingInDe.join(', ')}`);
  assert.deepEqual(missingInEn, [], `keys missing in en.json: ${missingInEn.join(', ')}`);
});

test('every value is a non-empty string', () => {
  for (const [language, flat] of Object.entries(languages)) {
    const bad = [...flat].filter(([, value]) => typeof value !== 'string' || value.trim() === '').map(([key]) => key);
    assert.deepEqual(bad, [], `${language}.json has empty or non-string values at: ${bad.join(', ')}`);
  }
});

test('German and English differ except for the allowlisted names', () => {
  const same = [...languages.en]
    .filter(([key, value]) => languages.de.get(key) === value && !SAME_IN_BOTH.has(String(value)))
    .map(([key, value]) => `${key} = ${JSON.stringify(value)}`);
  assert.deepEqual(same, [], `untranslated (identical) values: ${same.join('; ')}`);
});

test('both languages use the same interpolation placeholders per key', () => {
  const placeholders = (value: unknown) => [...String(value).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
  const mismatched = [...languages.en]
    .filter(([key]) => languages.de.has(key))
    .filter(([key, value]) => placeholders(value).join() !== placeholders(languages.de.get(key)).join())
    .map(([key]) => key);
  assert.deepEqual(mismatched, [], `placeholders differ at: ${mismatched.join(', ')}`);
});
