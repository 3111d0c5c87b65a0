import { baseOf, digraphFold } from './fold.ts';

function words(list: string): readonly string[] {
  return list.split(/\s+/u).filter((word) => word !== '');
}

/**
 * Words too common to narrow a search. A stop word is dropped from texts and queries alike, so a
 * query made only of them finds nothing rather than everything. The lists are short on purpose:
 * every word here becomes unsearchable. Words that mean something else in the other language are
 * left out where that meaning matters in a threat case: man, war, hat, will (also a name), it (the
 * IT department), may (a name and a month). German "die" stays, as the brief asks, although that
 * makes the English verb unsearchable.
 */
export const GERMAN_STOP_WORDS: readonly string[] = words(`
  der die das den dem des ein eine einen einem einer eines und oder aber auch als wie wenn weil
  dass daß ob denn doch am an auf aus bei beim bis durch für gegen im in ins mit nach ohne über um
  unter vom von vor zu zum zur ich du er sie es wir ihr mich mir dich dir sich ihm ihn ihnen uns
  euch mein meine dein deine sein seine ihre unser ist sind bist waren wird werden wurde wurden
  würde hatte haben nicht kein keine noch nur schon so da dann hier was wo dieser diese dieses
  jener jene
`);

export const ENGLISH_STOP_WORDS: readonly string[] = words(`
  the a an and or but not no nor of to in on at by for from with into onto as if than then so too
  is are was were be been being am do does did has have had can could would should shall i me my
  you your he him his she her its we us our they them their this that these those there here what
  which who whom when where why how
`);

/**
 * Particles of personal names. Treating them as stop words lets "van Beethoven" find a record that
 * says only "Beethoven" or "L. v. Beethoven"; the cost is that the English "van" (the vehicle)
 * cannot be searched for on its own.
 */
export const NAME_PARTICLES: readonly string[] = words(`
  von vom van de der den des du da del della di le la zu zum zur ten ter
`);

/** Folded exactly like indexed words, so "für", "daß" and "würde" match however they were typed. */
const STOP_WORDS: ReadonlySet<string> = new Set(
  [...GERMAN_STOP_WORDS, ...ENGLISH_STOP_WORDS, ...NAME_PARTICLES].map((word) =>
    digraphFold(baseOf(word.normalize('NFKC'))),
  ),
);

/** Whether a folded word (see fold.ts) is a stop word. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}
