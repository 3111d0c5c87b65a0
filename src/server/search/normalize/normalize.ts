import { stemmer as englishStem } from '@orama/stemmers/english';
import { stemmer as germanStem } from '@orama/stemmers/german';
import { baseOf, digraphFold } from './fold.ts';
import { isStopWord } from './stop-words.ts';

/**
 * Text normalisation for the blind-index search. The database never holds plaintext: the search
 * layer stores and looks up keyed tokens of the strings made here, so indexing and querying must run this
 * same code, and any change to it means reindexing.
 *
 * Shapes:
 * - A `Term` is one word of a text or query. `word` is the folded, unstemmed word (see fold.ts:
 *   case, accents, umlauts, ß and the ae/oe/ue digraphs folded). `forms` are its alternative
 *   spellings for matching, de-duplicated: the word itself, its German stem and its English stem
 *   (a text may be in either language). Every query term must match. There are no operators:
 *   quotes, + - * | & ! ( ) : and the words AND, OR, NOT are punctuation or stop words.
 * - Keys, one per query term: a query term is looked up as the one key `queryKeyOf` gives, the
 *   prefix of its shortest form (a stem, usually); a text's term is indexed under `indexKeysOf`,
 *   every prefix of every form. So a query term of 4 to 12 characters matches every word that has
 *   a form beginning with its shortest form: "Drohungen" (stem drohung) finds Drohung, Drohungen
 *   and Drohungsschreiben, and "Drohu" finds them too. Shorter and longer forms match whole: "Axt"
 *   finds Axt and Äxte (stem axt), not Axtstiel, and a form over 12 characters matches only a word
 *   with that very form, so long compounds that share their first 12 letters stay apart. One key
 *   per term keeps a query's work at one lookup per word and scope (search-index.ts).
 *
 * Words: runs of letters, marks and digits in any script, so employee numbers, dates and phone
 * numbers keep their digit runs. Chinese and Japanese, written without spaces, are indexed one
 * character per term: a query for 王小明 finds a record holding those three characters, in any
 * order. Thai and other scripts without spaces are not segmented: a run is one word. Emoji and
 * symbols are dropped. A word of one letter from a cased alphabet (initials, the d' of d'Artagnan)
 * counts as a stop word; single digits and single Chinese characters stay.
 *
 * Joined words: parts joined by a hyphen or an apostrophe (typographic ’ too) are indexed as the
 * whole, joined without the sign, and as each part: Müller-Lüdenscheidt gives müllerlüdenscheidt,
 * müller and lüdenscheidt; O'Brien gives obrien and brien; 2026-03-01 gives 20260301, 2026, 03, 01.
 * A query keeps only the whole, so "2026-03-01" does not match every record with a 03 in it, and
 * O'Brien finds OBrien; to search the parts loosely, type them with spaces between.
 *
 * Limits: a word is cut to 64 characters and then not stemmed, so a 10,000-character "word" cannot
 * make huge tokens or slow the stemmers; a text gives at most `maxTerms` distinct terms; a query may
 * be at most 500 characters and 16 distinct terms, and is refused, never cut, beyond that, so no one
 * believes a search covered words it silently dropped.
 */

export interface Term {
  readonly word: string;
  readonly forms: readonly string[];
}

export type EmptyReason = 'blank' | 'stop_words_only' | 'punctuation_only' | 'too_long';

export type QueryResult =
  | { readonly kind: 'terms'; readonly terms: readonly Term[] }
  | { readonly kind: 'empty'; readonly reason: EmptyReason };

export const MAX_WORD_LENGTH = 64;
export const DEFAULT_MAX_TERMS = 10_000;
export const MAX_QUERY_LENGTH = 500;
export const MAX_QUERY_TERMS = 16;
export const PREFIX_MIN_LENGTH = 4;
export const PREFIX_MAX_LENGTH = 12;

/** Short words gain nothing from stemming and the stemmers mangle them (us → u). */
const MIN_STEM_LENGTH = 3;

/** Typed apostrophes and hyphens vary; one of each keeps the word pattern simple. */
const APOSTROPHES = /[\u0060\u00B4\u2018\u2019\u02BC]/gu;
const HYPHENS = /[\u2010\u2011]/gu;
/**
 * Invisible characters that would split a word or glue one on: soft hyphen, zero-width space and
 * joiners, word joiner, byte-order mark, variation selectors, enclosing keycap marks, and the
 * katakana length mark, which would otherwise stand alone once kana are split into characters.
 */
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF\u30FC\p{Me}\p{Variation_Selector}]/gu;
/** Scripts written without spaces between words; each character becomes a word of its own. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
/** Parts of letters, marks and digits, joined by single apostrophes or hyphens. */
const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['-][\p{L}\p{M}\p{N}]+)*/gu;
const JOINER = /['-]/u;
const PLAIN_LATIN = /^[a-z]+$/;
const BLANK = /^[\s\p{Cf}]*$/u;

function codePoints(text: string): string[] {
  return Array.from(text);
}

function cut(text: string, length: number): string {
  // Cheap test first: a string of n code units never has more than n code points.
  return text.length <= length ? text : codePoints(text).slice(0, length).join('');
}

/** The text prepared for splitting into words; the same steps for texts and queries. */
function prepare(text: string): string {
  return text
    .replace(APOSTROPHES, "'")
    .replace(HYPHENS, '-')
    .replace(INVISIBLE, '')
    .normalize('NFKC')
    .replace(CJK, ' $& ');
}

/** Each token found, as its parts (a single part for a word not joined by hyphen or apostrophe). */
function* tokensOf(prepared: string): Generator<readonly string[]> {
  for (const match of prepared.matchAll(TOKEN)) yield match[0].split(JOINER);
}

function isSingleCasedLetter(word: string): boolean {
  return codePoints(word).length === 1 && word.toUpperCase() !== word;
}

/** The term for one raw word, or undefined when the word is dropped. */
function termOf(raw: string): Term | undefined {
  const base = baseOf(raw);
  const word = cut(digraphFold(base), MAX_WORD_LENGTH);
  if (word === '' || isStopWord(word) || isSingleCasedLetter(word)) return undefined;
  const forms = new Set([word]);
  if (PLAIN_LATIN.test(base) && base.length >= MIN_STEM_LENGTH && base.length <= MAX_WORD_LENGTH) {
    forms.add(digraphFold(germanStem(base)));
    forms.add(digraphFold(englishStem(base)));
  }
  return { word, forms: [...forms] };
}

function keyOf(term: Term): string {
  return term.forms.join('\u0000');
}

/** Terms in order of first appearance, each once. */
class TermSet {
  readonly #terms = new Map<string, Term>();

  add(term: Term | undefined): void {
    if (term !== undefined && !this.#terms.has(keyOf(term))) this.#terms.set(keyOf(term), term);
  }

  get size(): number {
    return this.#terms.size;
  }

  toArray(): Term[] {
    return [...this.#terms.values()];
  }
}

/** The terms to index for a text: every joined word whole and in parts, at most `maxTerms`. */
export function termsOf(text: string, options: { readonly maxTerms?: number } = {}): Term[] {
  const maxTerms = options.maxTerms ?? DEFAULT_MAX_TERMS;
  if (!Number.isInteger(maxTerms) || maxTerms < 0) throw new RangeError('maxTerms must be a whole number >= 0');
  const terms = new TermSet();
  for (const parts of tokensOf(prepare(text))) {
    const candidates = parts.length === 1 ? parts : [parts.join(''), ...parts];
    for (const raw of candidates) {
      if (terms.size >= maxTerms) return terms.toArray();
      terms.add(termOf(raw));
    }
  }
  return terms.toArray();
}

function empty(reason: EmptyReason): QueryResult {
  return { kind: 'empty', reason };
}

/** The terms of a search query, all of which must match; or why there are none. */
export function queryTermsOf(query: string): QueryResult {
  if (query.length > MAX_QUERY_LENGTH && codePoints(query).length > MAX_QUERY_LENGTH) return empty('too_long');
  if (BLANK.test(query)) return empty('blank');
  const terms = new TermSet();
  let tokens = 0;
  for (const parts of tokensOf(prepare(query))) {
    tokens += 1;
    terms.add(termOf(parts.join('')));
  }
  if (tokens === 0) return empty('punctuation_only');
  if (terms.size === 0) return empty('stop_words_only');
  if (terms.size > MAX_QUERY_TERMS) return empty('too_long');
  return { kind: 'terms', terms: terms.toArray() };
}

/** The one key a query term is looked up as (see the header): a prefix key, or a whole-form key. */
export function queryKeyOf(term: Term): string {
  // The shortest form, a stem on a tie (the forms list the word first): "happy" looks up "happi",
  // the stem it shares with "happiness" and "happily".
  let shortest = term.forms[0] ?? term.word;
  for (const form of term.forms.slice(1)) {
    if (codePoints(form).length <= codePoints(shortest).length) shortest = form;
  }
  const length = codePoints(shortest).length;
  return length >= PREFIX_MIN_LENGTH && length <= PREFIX_MAX_LENGTH ? `p:${shortest}` : `w:${shortest}`;
}

/**
 * The keys a text's term is indexed under: every prefix of every form from 4 to 12 characters (the
 * form itself among them when it fits), and each form shorter or longer than that whole. The cap
 * bounds the keys a long word makes.
 */
export function indexKeysOf(term: Term): string[] {
  const keys = new Set<string>();
  for (const form of term.forms) {
    const letters = codePoints(form);
    if (letters.length < PREFIX_MIN_LENGTH || letters.length > PREFIX_MAX_LENGTH) keys.add(`w:${form}`);
    const longest = Math.min(letters.length, PREFIX_MAX_LENGTH);
    for (let length = PREFIX_MIN_LENGTH; length <= longest; length += 1) {
      keys.add(`p:${letters.slice(0, length).join('')}`);
    }
  }
  return [...keys];
}
