import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TimelineEntry } from '../../../contract/timeline.ts';
import { bodyOf, checkDraft, draftOf, emptyDraft, problemsOfRefusal, toggled } from './entry-draft.ts';
import { timelineSearch } from './timeline-api.ts';

const draft = { ...emptyDraft('2026-03-10'), kind: 'incident' as const, title: ' Letter at the gate ' };

test('a new draft starts today, without a time, and sends what the contract takes', () => {
  assert.deepEqual(checkDraft(draft), {});
  assert.deepEqual(bodyOf({ ...draft, source: ' Night guard ', tags: ['fixation'] }), {
    kind: 'incident',
    occurredOn: '2026-03-10',
    occurredTime: null,
    title: 'Letter at the gate',
    body: '',
    source: 'Night guard',
    tags: ['fixation'],
    personIds: [],
    documentIds: [],
  });
  assert.equal(bodyOf({ ...draft, occurredTime: '14:30' }).occurredTime, '14:30');
});

test('the checks: a kind, a day, a time if any, a title, and the limits', () => {
  assert.deepEqual(checkDraft(emptyDraft('')), {
    kind: { key: 'timeline.validation.kind' },
    occurredOn: { key: 'validation.required' },
    title: { key: 'validation.required' },
  });
  const bad = checkDraft({
    ...draft,
    occurredOn: '2026-13-45',
    occurredTime: '25:00',
    title: 'x'.repeat(201),
    body: 'y'.repeat(20_001),
    source: 'two\nlines',
  });
  assert.deepEqual(Object.keys(bad), ['occurredOn', 'occurredTime', 'title', 'body', 'source']);
  assert.deepEqual(bad.title, { key: 'timeline.validation.title', values: { max: 200 } });
  // Line breaks are text; other control characters are not.
  assert.deepEqual(checkDraft({ ...draft, body: 'one\ntwo' }), {});
  assert.ok('body' in checkDraft({ ...draft, body: 'bell\u0007' }));
});

test('the server’s refusals land at their fields', () => {
  assert.deepEqual(problemsOfRefusal('entry_in_future', undefined), {
    occurredOn: { key: 'errors.entry_in_future' },
  });
  assert.deepEqual(problemsOfRefusal('entry_before_birth', { birth: { pseudonym: 'B', born: '2026-03-01' } }), {
    occurredOn: { key: 'timeline.errors.beforeBirth', values: { letters: 'B', born: '2026-03-01' } },
  });
  assert.deepEqual(problemsOfRefusal('entry_before_birth', {}), {
    occurredOn: { key: 'errors.entry_before_birth' },
  });
  assert.deepEqual(problemsOfRefusal('unknown_document', undefined), {
    documentIds: { key: 'errors.unknown_document' },
  });
  assert.deepEqual(problemsOfRefusal('persons_out_of_scope', undefined), {
    personIds: { key: 'errors.persons_out_of_scope' },
  });
  assert.deepEqual(
    problemsOfRefusal('validation_failed', {
      errors: [
        { path: 'body.title', message: 'Too big' },
        { path: 'body.tags.1', message: 'each once' },
        { path: 'body.elsewhere', message: 'ignored' },
      ],
    }),
    {
      title: { key: 'timeline.validation.server', values: { message: 'Too big' } },
      tags: { key: 'timeline.validation.server', values: { message: 'each once' } },
    },
  );
  assert.deepEqual(problemsOfRefusal('stale_version', undefined), {});
});

test('an entry as the edit form takes it', () => {
  const entry = {
    kind: 'conversation',
    occurredOn: '2026-03-09',
    occurredTime: null,
    title: 'Talk',
    body: 'Said little.',
    source: '',
    tags: ['leakage'],
    persons: [{ id: 'p1', pseudonym: 'A' }],
    documents: [{ id: 'd1', name: 'Letter.txt', version: 1 }],
  } as unknown as TimelineEntry;
  assert.deepEqual(draftOf(entry), {
    kind: 'conversation',
    occurredOn: '2026-03-09',
    occurredTime: '',
    title: 'Talk',
    body: 'Said little.',
    source: '',
    tags: ['leakage'],
    personIds: ['p1'],
    documentIds: ['d1'],
  });
  assert.deepEqual(toggled(['a'], 'b', true), ['a', 'b']);
  assert.deepEqual(toggled(['a', 'b'], 'a', false), ['b']);
  assert.deepEqual(toggled(['a'], 'a', true), ['a']);
});

test('the list’s query string names only the filters set, then the cursor', () => {
  const none = { kinds: [], person: '', tag: '' as const, from: '', to: '', q: ' ' };
  assert.equal(timelineSearch(none), '');
  assert.equal(
    timelineSearch(
      { ...none, kinds: ['incident', 'conversation'], tag: 'fixation', from: '2026-03-01', q: 'gate' },
      'abc',
    ),
    '?kinds=incident%2Cconversation&tag=fixation&from=2026-03-01&q=gate&cursor=abc',
  );
});
