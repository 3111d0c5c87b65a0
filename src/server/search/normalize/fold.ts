/**
 * Letter folding for the blind index: turns one word, as typed, into the spelling that indexing and
 * querying both use. Everything here is a pure function of the word alone, so a word folds the same
 * way wherever it stands.
 *
 * `baseOf` gives the *base*: case-folded, accents and umlauts stripped (Müller → muller, Łódź → lodz,
 * Straße and STRAẞE → strasse, Γιώργος → γιωργοσ). The stemmers read the base.
 *
 * `digraphFold` then gives the *word*: ae, oe and ue before another letter become a, o and u, so that
 * Mueller, MUELLER, Müller and MULLER all become muller. Two exceptions keep the rule from doing
 * more harm than good: ue after q stays (Quelle, queue), and a digraph at the very end of a word stays
 * (Doe, Joe, blue, colleague), where German umlauts hardly ever stand but English and names often do.
 * The rule still merges a few unrelated words (poet/pot, Michael/Michal, Israel/Isral); a search that
 * finds a little too much is the lesser harm than one that misses a person typed without umlauts.
 */

/** Letters that Unicode decomposition leaves whole, so stripping combining marks cannot reach them. */
const UNDECOMPOSED: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ħ: 'h',
  ı: 'i',
  ŧ: 't',
};
const UNDECOMPOSED_PATTERN = new RegExp(`[${Object.keys(UNDECOMPOSED).join('')}]`, 'gu');

/**
 * Marks are stripped only after Latin and Greek letters, where they are accents a searcher may or may
 * not type. In Devanagari, Thai or Japanese kana the marks are part of the letter, and stripping them
 * would merge different words.
 */
const LATIN_OR_GREEK_MARKS = /([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu;
/** Russian writers use ё and е interchangeably; й stays, as it is a letter of its own. */
const CYRILLIC_YO = /е\u0308/gu;
/** Arabic vowel signs, hamza carriers and the stretching tatweel are optional in writing. */
const ARABIC_OPTIONAL = /[\u0640\u064B-\u065F\u0670]/gu;
/** A mark with no letter before it (left over from a split) would otherwise become a word of its own. */
const LEADING_MARKS = /^\p{M}+/u;

/**
 * Upper-casing first and then lower-casing comes close to Unicode full case folding, which JavaScript
 * lacks: ß becomes ss and ſ becomes s on the way. Capital ẞ has no upper-case change and lower-cases
 * to ß, which the table then folds; Greek final sigma is folded to σ by hand.
 */
function caseFold(text: string): string {
  return text.toUpperCase().toLowerCase().replaceAll('ς', 'σ');
}

/** Case-folded, accents and umlauts stripped; expects NFKC text. */
export function baseOf(raw: string): string {
  const stripped = caseFold(raw)
    .normalize('NFD')
    .replace(LATIN_OR_GREEK_MARKS, '$1')
    .replace(CYRILLIC_YO, 'е')
    .replace(ARABIC_OPTIONAL, '')
    .replace(LEADING_MARKS, '')
    .normalize('NFC');
  return stripped.replace(UNDECOMPOSED_PATTERN, (letter) => UNDECOMPOSED[letter] ?? letter);
}

const DIGRAPH = /(a|o|(?<!q)u)e(?=[a-z])/g;

/** The German umlaut digraphs folded (see the file header); applied to bases and to stems alike. */
export function digraphFold(base: string): string {
  return base.replace(DIGRAPH, '$1');
}
