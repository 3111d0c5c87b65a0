import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexKeysOf, queryKeyOf, queryTermsOf, type Term, termsOf } from './normalize.ts';

const wordsOf = (text: string): string[] => termsOf(text).map((term) => term.word);

function queryTerms(query: string): readonly Term[] {
  const result = queryTermsOf(query);
  assert.equal(result.kind, 'terms', `expected terms for ${JSON.stringify(query)}`);
  return result.kind === 'terms' ? result.terms : [];
}

/** The search as the blind index runs it: every query term's one key among the text's keys. */
function finds(text: string, query: string): boolean {
  const indexed = new Set(termsOf(text).flatMap(indexKeysOf));
  return queryTerms(query).every((term) => indexed.has(queryKeyOf(term)));
}

function assertAllMeet(spellings: readonly string[]): void {
  for (const text of spellings) {
    for (const query of spellings) assert.ok(finds(text, query), `${query} should find ${text}`);
  }
}

test('Müller, Mueller, MUELLER, MULLER and müller all meet, in texts and as prefixes', () => {
  assertAllMeet(['Müller', 'Mueller', 'MUELLER', 'MULLER', 'müller', 'MÜLLER']);
  assert.deepEqual(wordsOf('Müller Mueller MUELLER MULLER'), ['muller']);
  assert.ok(finds('Herr Müller', 'Muell'));
  assertAllMeet(['Schröder', 'Schroeder', 'SCHRODER']);
  assertAllMeet(['Bär', 'Baer']);
});

test('the digraph rule spares ue after q and digraphs at the end of a word', () => {
  assert.deepEqual(wordsOf('Quelle queue Doe Joe blue Goethe'), ['quelle', 'queue', 'doe', 'joe', 'blue', 'gothe']);
  assert.ok(finds('John Doe', 'Doe'));
  assert.ok(!finds('Quelle', 'Qulle'));
});

test('ß, ẞ and ss meet; other Latin letters lose their accents', () => {
  assertAllMeet(['Straße', 'Strasse', 'STRASSE', 'STRAẞE', 'straße']);
  assert.deepEqual(wordsOf('GROẞE'), ['grosse']);
  assertAllMeet(['Ångström', 'Angstrom', '\u212Bngström', 'ANGSTROM']);
  assertAllMeet(['Łódź', 'Lodz', 'ŁÓDŹ']);
  assertAllMeet(['François', 'Francois', 'FRANÇOIS']);
  assert.deepEqual(wordsOf('José Muñoz Søren Dvořák İstanbul Đorđe Þór'), [
    'jose',
    'munoz',
    'soren',
    'dvorak',
    'istanbul',
    'dorde',
    'thor',
  ]);
  assert.deepEqual(wordsOf('Æsir'), wordsOf('Aesir'));
});

test('plural and verb forms that the Snowball stemmers bring together', () => {
  for (const [a, b] of [
    ['Drohung', 'Drohungen'],
    ['threat', 'threats'],
    ['threatened', 'threatening'],
    ['Messer', 'Messern'],
    ['colleague', 'colleagues'],
    ['bedrohen', 'Bedrohung'],
    ['bedroht', 'bedrohte'],
  ]) {
    assert.ok(a !== undefined && b !== undefined);
    assert.ok(finds(a, b) && finds(b, a), `${a} and ${b} should meet`);
  }
});

test('pairs Snowball leaves apart are reached by prefix search where the query is the shorter word or stem', () => {
  // German Snowball strips -en but not -t, and keeps -ung in short words: bedrohen's stem bedroh
  // begins bedroht, not the other way round.
  assert.ok(finds('bedroht', 'bedrohen'));
  assert.ok(!finds('bedrohen', 'bedroht'));
  assert.ok(!finds('droht', 'Drohung'));
  assert.ok(finds('threatened', 'threat'));
  assert.ok(finds('Drohungen', 'Drohu'));
  assert.ok(finds('Er hat ihn bedroht', 'bedroh'));
});

test('short words are not stemmed', () => {
  assert.deepEqual(termsOf('ox go'), [
    { word: 'ox', forms: ['ox'] },
    { word: 'go', forms: ['go'] },
  ]);
  assert.deepEqual(termsOf('runs'), [{ word: 'runs', forms: ['runs', 'run'] }]);
});

test('hyphenated names are indexed whole and in parts; a query for either finds them', () => {
  assert.deepEqual(wordsOf('Müller-Lüdenscheidt'), ['mullerludenscheidt', 'muller', 'ludenscheidt']);
  for (const query of [
    'Müller-Lüdenscheidt',
    'Müller‐Lüdenscheidt',
    'MuellerLuedenscheidt',
    'Müller',
    'Lüdenscheidt',
  ]) {
    assert.ok(finds('Frau Müller-Lüdenscheidt', query), query);
  }
  assert.ok(finds('Frau Müller-Lüdenscheidt', 'Lüdenscheidt Müller'));
  // A joined query asks for the joined spelling; spaces search the parts.
  assert.equal(queryTerms('Müller-Lüdenscheidt').length, 1);
  assert.ok(!finds('Müller und Lüdenscheidt', 'Müller-Lüdenscheidt'));
});

test('apostrophes, typed or typographic, join a word and keep its main part', () => {
  assert.deepEqual(wordsOf("O'Brien"), ['obrien', 'brien']);
  assert.deepEqual(wordsOf('d’Artagnan'), ['dartagnan', 'artagnan']);
  for (const query of ["O'Brien", 'O’Brien', 'OBrien', 'obrien', 'Brien', 'O´Brien']) {
    assert.ok(finds("Sean O'Brien", query), query);
  }
  assert.ok(finds('le capitaine d’Artagnan', "D'Artagnan"));
  assert.ok(finds('Peter’s car', 'Peter'));
});

test('name particles are stop words, so they are optional in a query', () => {
  assert.deepEqual(wordsOf('Ludwig van Beethoven'), ['ludwig', 'beethoven']);
  assert.ok(finds('Ludwig van Beethoven', 'Beethoven'));
  assert.ok(finds('Ludwig van Beethoven', 'van Beethoven'));
  assert.ok(finds('L. Beethoven', 'van Beethoven'));
  assert.ok(finds('Ursula von der Leyen', 'von der Leyen'));
  assert.ok(finds('Carlo di Rossi', 'Rossi'));
  assert.deepEqual(wordsOf('J. R. Smith'), ['smith']);
});

test('digit runs are kept: employee numbers, dates and phone numbers', () => {
  assert.deepEqual(wordsOf('Personalnr. 004711, seit 2026-03-01'), [
    'personalnr',
    '004711',
    'seit',
    '20260301',
    '2026',
    '03',
    '01',
  ]);
  assert.ok(finds('Tel. +49 30 1234-5678', '1234-5678'));
  assert.ok(finds('Tel. +49 30 1234-5678', '12345678'));
  assert.ok(finds('Ausweis MA-4711', 'MA-4711'));
  assert.ok(finds('Ausweis MA-4711', '4711'));
  assert.ok(finds('am 2026-03-01', '2026-03-01'));
  assert.ok(!finds('am 2026-04-03', '2026-03-01'));
  assert.deepEqual(wordsOf('Raum 3, Flug A320'), ['raum', '3', 'flug', 'a320']);
});

test('non-Latin scripts keep their letters, case-folded and unstemmed', () => {
  assert.deepEqual(wordsOf('Иван Петров'), ['иван', 'петров']);
  assertAllMeet(['Иван Петров', 'ИВАН ПЕТРОВ']);
  assertAllMeet(['Ёлкин', 'Елкин']);
  assert.deepEqual(wordsOf('Андрей'), ['андрей']);
  assertAllMeet(['Γιώργος', 'ΓΙΏΡΓΟΣ', 'γιωργος', 'Γιωργοσ']);
  assert.deepEqual(wordsOf('محمد'), ['محمد']);
  assertAllMeet(['محمد', 'مُحَمَّد', 'مـحـمـد']);
  assert.deepEqual(wordsOf('김민수'), ['김민수']);
  for (const term of termsOf('Иван Петров Γιώργος محمد')) assert.deepEqual(term.forms, [term.word]);
});

test('Chinese and Japanese are indexed one character per term', () => {
  assert.deepEqual(wordsOf('王小明'), ['王', '小', '明']);
  assert.ok(finds('联系人：王小明（销售部）', '王小明'));
  assert.ok(finds('联系人：王小明', '小明'));
  assert.deepEqual(wordsOf('東京タワー'), ['東', '京', 'タ', 'ワ']);
  assert.deepEqual(wordsOf('ｶﾞｽ'), ['ガ', 'ス']);
});

test('emoji, symbols and invisible characters are dropped', () => {
  assert.deepEqual(termsOf('🙂 👍🏽 ★ © → 🇩🇪 ❤️'), []);
  assert.deepEqual(wordsOf('Be\u00ADdrohung Dro\u200Bhung'), ['bedrohung', 'drohung']);
  assert.deepEqual(wordsOf('Ｍüｌｌｅｒ ﬁnal'), ['muller', 'final']);
  assert.equal(queryTermsOf('🙂👍').kind, 'empty');
});

test('stop words of both languages are dropped, however they are spelt', () => {
  assert.deepEqual(wordsOf('Der Mann und die Frau; the man and the woman of Berlin'), [
    'mann',
    'frau',
    'man',
    'woman',
    'berlin',
  ]);
  assert.deepEqual(wordsOf('für FÜR fuer über dass daß'), []);
});

test('a long word is cut to 64 characters and not stemmed; a text is capped at maxTerms', () => {
  const [long, ...rest] = termsOf(`vorher ${'ü'.repeat(10_000)} nachher`).slice(1);
  assert.deepEqual(long, { word: 'u'.repeat(64), forms: ['u'.repeat(64)] });
  assert.equal(rest.length, 1);
  assert.equal(wordsOf('x'.repeat(65))[0], 'x'.repeat(64));
  assert.ok(finds('x'.repeat(200), 'x'.repeat(64)));
  const many = Array.from({ length: 10_050 }, (_, index) => `w${index}`).join(' ');
  assert.equal(termsOf(many).length, 10_000);
  assert.equal(termsOf(many, { maxTerms: 5 }).length, 5);
  assert.deepEqual(termsOf('eins eins eins zwei'), termsOf('eins zwei'));
  assert.throws(() => termsOf('x', { maxTerms: -1 }), RangeError);
});

test('queries that cannot search say why', () => {
  assert.deepEqual(queryTermsOf(''), { kind: 'empty', reason: 'blank' });
  assert.deepEqual(queryTermsOf(' \t\n\u00A0\u200B'), { kind: 'empty', reason: 'blank' });
  assert.deepEqual(queryTermsOf('der die das THE and of'), { kind: 'empty', reason: 'stop_words_only' });
  assert.deepEqual(queryTermsOf('?!… — ** ()'), { kind: 'empty', reason: 'punctuation_only' });
  assert.deepEqual(queryTermsOf('x'.repeat(10_000)), { kind: 'empty', reason: 'too_long' });
  assert.deepEqual(queryTermsOf('Müller '.repeat(71)).kind, 'terms');
  assert.deepEqual(queryTermsOf('Müller '.repeat(80)), { kind: 'empty', reason: 'too_long' });
  const seventeen = Array.from({ length: 17 }, (_, index) => `wort${index}`);
  assert.equal(queryTermsOf(seventeen.slice(1).join(' ')).kind, 'terms');
  assert.deepEqual(queryTermsOf(seventeen.join(' ')), { kind: 'empty', reason: 'too_long' });
});

test('operators carry no meaning: every word must match', () => {
  const terms = queryTerms('"Müller" AND -Drohung* OR (NOT +Messer) | x:y & !');
  assert.deepEqual(
    terms.map((term) => term.word),
    ['muller', 'drohung', 'messer'],
  );
  assert.ok(finds('Drohung durch Herrn Müller mit einem Messer', '"Müller" AND -Drohung* OR (NOT +Messer)'));
});

test('a query term is one key: the prefix of its shortest form from 4 to 12 characters, else the whole form', () => {
  const key = (query: string) => queryKeyOf(queryTerms(query)[0] as Term);
  assert.equal(key('Drohungen'), 'p:drohung');
  assert.equal(key('Drohu'), 'p:drohu');
  assert.equal(key('Axt'), 'w:axt');
  // A tie between the word and a stem goes to the stem, which related words share.
  assert.equal(key('happy'), 'p:happi');
  assert.equal(key('Sicherheitsbeauftragten'), 'w:sicherheitsbeauftragt');
  assert.equal(key('Петровой'), 'p:петровой');
});

test('a text term is indexed under every prefix of every form from 4 to 12 characters, and short and long forms whole', () => {
  const keys = (text: string) => indexKeysOf(termsOf(text)[0] as Term);
  assert.deepEqual(keys('Drohungen'), ['p:droh', 'p:drohu', 'p:drohun', 'p:drohung', 'p:drohunge', 'p:drohungen']);
  assert.deepEqual(keys('Axt'), ['w:axt']);
  const long = keys('Drohungsschreiben');
  assert.ok(long.includes('w:drohungsschreiben') && long.includes('p:drohungsschr'));
  assert.ok(!long.includes('p:drohungsschre'));
  assert.ok(finds('Drohungsschreiben', 'Drohungsschr'));
  assert.ok(finds('Drohungsschreiben', 'Drohungsschreiben'));
  // Past 12 characters a query matches whole, so compounds that share 12 letters stay apart.
  assert.ok(!finds('Sicherheitsbereich', 'Sicherheitsbeauftragter'));
  assert.ok(finds('Sicherheitsbeauftragter', 'Sicherheitsbeauftragten'));
  assert.ok(finds('Äxte', 'Axt') && !finds('Axtstiel', 'Axt'));
});

const SAMPLE_WORDS = [
  'Müller',
  'MUELLER',
  'Straße',
  'STRAẞE',
  'Ångström',
  'Łódź',
  'François',
  'Drohungen',
  'bedroht',
  'threatening',
  'colleagues',
  'Messern',
  'Quelle',
  'Doe',
  'Goethe',
  'Иван',
  'Γιώργος',
  'محمد',
  '王',
  '김민수',
  '004711',
  'A320',
  'Ærø',
  'Œuvre',
  'İstanbul',
  'Björn',
  'Ölfeld',
  'Übergriff',
  'Bedrohungslage',
  'x'.repeat(100),
];

test('a word gives identical terms when indexed and when queried', () => {
  for (const word of SAMPLE_WORDS) assert.deepEqual(queryTerms(word), termsOf(word), word);
});

test('a joined word queried gives a subset of the terms it was indexed as', () => {
  for (const word of ["O'Brien", 'Müller-Lüdenscheidt', '2026-03-01', 'MA-4711', 'd’Artagnan']) {
    const indexed = termsOf(word).map((term) => JSON.stringify(term));
    for (const term of queryTerms(word)) assert.ok(indexed.includes(JSON.stringify(term)), word);
  }
});
