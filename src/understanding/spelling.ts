/**
 * Typos in the words around names ("shw my conections", "helth reprot"): a word the training corpus does not know
 * is replaced by the corpus word one edit away (two for long words), so the classifier and the rules see the word
 * the person meant. Names are not corrected here: the name index has its own typo table.
 */
import corpus from './corpus/intents.json';
import { editDistance, words } from './text';

interface CorpusFile {
  data: { utterances: string[] }[];
}

/** Words people type often that the corpus may lack, kept as they are. */
const KEEP = new Set(
  (
    'ok okay pls plz thx thanks dont cant wont three four five seven eight nine eleven twelve twenty thirty forty ' +
    'fifty sixty ninety week weeks month months year years days hours'
  ).split(' '),
);

/** Everyday words are never what a typo is corrected to ("three" is not a misspelt "there"). */
const NOT_TARGETS = new Set(
  (
    'there their they them then than that this these those what when where which while were will with would could ' +
    'should have does done from about your yours mine more some into over just also only very much many such each ' +
    'been being here than thee your whats'
  ).split(' '),
);

let known: Set<string> | undefined;
let byLength: Map<number, string[]> | undefined;

function vocabulary(): { known: Set<string>; byLength: Map<number, string[]> } {
  if (!known || !byLength) {
    known = new Set<string>();
    for (const group of (corpus as CorpusFile).data) {
      for (const utterance of group.utterances) {
        for (const w of words(utterance.replace(/\{\w+\}/g, ' '))) {
          if (/^\p{L}+$/u.test(w.text) && !NOT_TARGETS.has(w.text)) known.add(w.text);
        }
      }
    }
    byLength = new Map();
    for (const w of known) {
      const list = byLength.get(w.length) ?? [];
      list.push(w);
      byLength.set(w.length, list);
    }
  }
  return { known, byLength };
}

/** The word as meant: itself when known (or too short, or not a plain word), else the nearest corpus word. */
export function correctWord(word: string): string {
  if (word.length < 5 || KEEP.has(word) || !/^\p{L}+$/u.test(word)) return word;
  const v = vocabulary();
  if (v.known.has(word) || NOT_TARGETS.has(word)) return word;
  const max = word.length >= 8 ? 2 : 1;
  let best: { w: string; d: number } | undefined;
  for (let length = word.length - max; length <= word.length + max; length++) {
    for (const candidate of v.byLength.get(length) ?? []) {
      const d = editDistance(word, candidate, max);
      if (d <= max && (!best || d < best.d)) best = { w: candidate, d };
    }
  }
  return best?.w ?? word;
}
