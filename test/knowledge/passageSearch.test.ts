/**
 * The passage search gives exactly MiniSearch's results — same passages, same order, bit-identical scores, same
 * matched terms — for the QA question sets, the articles' own questions and typo'd versions of them, while its
 * precomputed per-term lists stay untouched by the searches that share them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadKnowledgeBase } from '../../src/knowledge';
import { buildIndex, createPassageSearch } from '../../src/knowledge/passageSearch';
import { analyseQuestion } from '../../src/knowledge/queryAnalysis';
import { readQuestions } from './qaSupport';

const kb = loadKnowledgeBase();
const search = createPassageSearch(kb);
const reference = buildIndex(kb);

const DEV_SET = path.resolve(__dirname, '..', '..', '..', 'shared', 'qa', 'questions.dev.jsonl');
const HELD_OUT = path.resolve(__dirname, 'questions.heldout.jsonl');

/** Drops a letter of the longest word and swaps two letters of the next: the typos fuzzy matching is for. */
function typos(question: string): string[] {
  const words = question.split(' ');
  const byLength = words.map((w, i) => [w.length, i] as const).sort((a, b) => b[0] - a[0]);
  const out: string[] = [];
  const [first, second] = byLength;
  if (first && first[0] > 4) {
    const w = [...words];
    w[first[1]] = w[first[1]].slice(0, 2) + w[first[1]].slice(3);
    out.push(w.join(' '));
  }
  if (second && second[0] > 4) {
    const w = [...words];
    const x = w[second[1]];
    w[second[1]] = x[0] + x[2] + x[1] + x.slice(3);
    out.push(w.join(' '));
  }
  return out;
}

const questions = [
  ...(fs.existsSync(DEV_SET) ? readQuestions(DEV_SET) : []).map((q) => q.question),
  ...readQuestions(HELD_OUT).map((q) => q.question),
  ...kb.articles.flatMap((a) => a.questions),
  'conection refrence naming',
  'how do i set up a servce principal conection',
  'Who won the football match last night?',
  'connection connection connections reference',
];
const queries = [...new Set(questions.flatMap((q) => [q, ...typos(q)]))].flatMap((q) => [
  analyseQuestion(q).words.join(' '), // what the answerer searches
  q, // and the raw question, unknown words and all
]);

test('gives exactly MiniSearch’s results for every question, typo’d or not', () => {
  expect(queries.length).toBeGreaterThan(300);
  for (const query of queries) {
    const expected = reference
      .search(query)
      .map(({ id, score, terms, queryTerms, match }) => ({ id, score, terms, queryTerms, match }));
    const hits = search
      .search(query)
      .map(({ id, score, terms, queryTerms, match }) => ({ id, score, terms, queryTerms, match }));
    expect({ query, hits }).toEqual({ query, hits: expected });
  }
});

test('a search cannot change what later searches see', () => {
  const first = search.search('connection reference');
  first[0].match[first[0].terms[0]] = ['changed'];
  first[0].queryTerms.push('changed');
  const again = search.search('connection reference');
  expect(again[0].match[again[0].terms[0]]).not.toEqual(['changed']);
  expect(again[0].queryTerms).not.toContain('changed');
  expect(() => (again[0].match[again[0].terms[0]] as string[]).push('x')).toThrow();
});
