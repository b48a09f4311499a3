/**
 * Composes an answer from the passages retrieval found: the sentence(s) that answer the question first, then the
 * rest of the passage (its steps and context), so a maker reads the asked point before the section's preamble.
 *
 * A sentence's relevance is the weight of the question's concepts it mentions (rare concepts weigh more, as in
 * the answerer's coverage), slightly discounted for length so that a focused sentence beats a long one naming the
 * same concepts. The best sentence leads; a second one joins it when it is nearly as relevant and adds
 * a concept the first lacks. Sentences moved to the lead are taken out of the body, so nothing is said twice.
 */
import { processTerm, words } from './queryAnalysis';

export interface WeightedConcept {
  /** Stemmed search terms of one concept of the question; any of them counts as a mention. */
  terms: string[];
  weight: number;
}

export interface ComposedAnswer {
  /** The sentence(s) that answer the question; empty when no sentence mentions any concept. */
  lead: string;
  /** The passage without the lead sentences, blocks separated by blank lines. */
  body: string;
  /** Total weight of the question's concepts the lead mentions (0 when there is no lead). */
  leadWeight: number;
}

interface Sentence {
  block: number;
  /** Position within its block (sentence or list item). */
  index: number;
  text: string;
  concepts: Set<number>;
  /** Weight, slightly discounted for length: of two sentences naming the same concepts, the focused one leads. */
  score: number;
}

/** Markdown blocks: paragraphs and lists, separated by blank lines. */
const blocksOf = (text: string): string[] =>
  text
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter(Boolean);

const LIST_ITEM = /^\s*(?:[-*]|\d+\.)\s+/;
const isList = (block: string): boolean => block.split('\n').every((line) => LIST_ITEM.test(line));

/** Splits prose at sentence ends; abbreviations like "e.g." are rare enough in the articles to accept. */
const sentencesOf = (paragraph: string): string[] =>
  paragraph
    .replace(/\s*\n\s*/g, ' ')
    .split(/(?<=[.!?])\s+(?=[A-Z*"(`])/)
    .map((s) => s.trim())
    .filter(Boolean);

const plain = (markdown: string): string => markdown.replace(/[*_`]/g, '');

const LEANS_ON_PREVIOUS = /^(?:\*\*)?(?:it|its|this|that|these|those|they|them|there|then|so|both|otherwise|once|for these|for them)\b/i;

export function composeAnswer(passageText: string, concepts: WeightedConcept[]): ComposedAnswer {
  const blocks = blocksOf(passageText);
  const units: string[][] = blocks.map((b) => (isList(b) ? b.split('\n') : sentencesOf(b)));
  const sentences: Sentence[] = [];
  units.forEach((parts, block) =>
    parts.forEach((text, index) => {
      const stems = new Set(
        words(plain(text))
          .map(processTerm)
          .filter((t): t is string => t !== null),
      );
      const mentioned = new Set<number>();
      concepts.forEach((c, i) => {
        if (c.terms.some((t) => stems.has(t))) mentioned.add(i);
      });
      const weight = [...mentioned].reduce((sum, i) => sum + concepts[i].weight, 0);
      const score = weight / (1 + words(text).length / 60);
      sentences.push({ block, index, text, concepts: mentioned, score });
    }),
  );
  const ranked = [...sentences].sort((a, b) => b.score - a.score || a.block - b.block || a.index - b.index);
  const best = ranked[0];
  if (!best || best.score === 0) return { lead: '', body: blocks.join('\n\n'), leadWeight: 0 };

  const chosen = [best];
  const second = ranked[1];
  const addsConcept = second ? [...second.concepts].some((c) => !best.concepts.has(c)) : false;
  if (second && second.score >= best.score * 0.75 && addsConcept && best.text.length + second.text.length < 420) {
    chosen.push(second);
  }
  // A sentence that leans on the one before it ("It…", "These…") brings that one along, or it reads out of context.
  for (const s of [...chosen]) {
    const before = sentences.find((x) => x.block === s.block && x.index === s.index - 1);
    if (before && LEANS_ON_PREVIOUS.test(s.text) && !chosen.includes(before)) chosen.push(before);
  }
  // The lead reads in the passage's order, whatever order the scores gave.
  chosen.sort((a, b) => a.block - b.block || a.index - b.index);
  const lead = chosen.map((s) => s.text.replace(LIST_ITEM, '').trim()).join(' ');

  const taken = new Set(chosen.map((s) => `${s.block}:${s.index}`));
  const body = units
    .map((parts, block) => {
      const kept = parts.filter((_, index) => !taken.has(`${block}:${index}`));
      return isList(blocks[block]) ? kept.join('\n') : kept.join(' ');
    })
    .filter((b) => b.trim())
    .join('\n\n');
  const mentioned = new Set(chosen.flatMap((s) => [...s.concepts]));
  const leadWeight = [...mentioned].reduce((sum, i) => sum + concepts[i].weight, 0);
  return { lead, body, leadWeight };
}
