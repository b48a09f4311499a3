/**
 * Scores question sets the way ../shared/qa/score.mjs does, in-process: the reply is the rendered card's strings
 * (the same SKIP keys), lowercased, checked for `must`, `any` and `must_not` phrases.
 */
import * as fs from 'node:fs';
import { renderCard } from '../../src/cards/renderCard';
import { answerCardData, type Answerer } from '../../src/knowledge';

export interface QaQuestion {
  id: string;
  topic: string;
  question: string;
  must?: string[];
  any?: string[][];
  must_not?: string[];
  decline?: boolean;
}

const SKIP = new Set([
  'type', 'version', '$schema', 'url', 'iconUrl', 'id', 'verb', 'style', 'color', 'size', 'weight',
  'spacing', 'horizontalAlignment', 'msteams', 'width', 'height', 'fontType', 'altText',
]);

function strings(node: unknown, out: string[]): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => strings(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) if (!SKIP.has(k)) strings(v, out);
  }
  return out;
}

export function readQuestions(file: string): QaQuestion[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as QaQuestion);
}

/** What the bot says to a question: the text of the answer or not-sure card, as the scorer flattens it. */
export function replyText(answerer: Answerer, question: string): string {
  const answer = answerer.answer(question);
  const card = renderCard(answer.confident ? 'answer' : 'notSure', answerCardData(answer));
  return strings([card], []).join('\n').toLowerCase();
}

/** The phrases a reply lacks (empty when the question passes). */
export function missing(q: QaQuestion, said: string): string[] {
  const lacks: string[] = [];
  for (const m of q.must ?? []) if (!said.includes(m.toLowerCase())) lacks.push(m);
  for (const group of q.any ?? []) {
    if (group.length && !group.some((g) => said.includes(g.toLowerCase()))) lacks.push(`one of ${JSON.stringify(group)}`);
  }
  for (const m of q.must_not ?? []) if (said.includes(m.toLowerCase())) lacks.push(`not ${JSON.stringify(m)}`);
  if (!said.trim()) lacks.push('an answer');
  return lacks;
}

export function score(answerer: Answerer, questions: QaQuestion[]): { ratio: number; failures: string[] } {
  const failures: string[] = [];
  for (const q of questions) {
    const lacks = missing(q, replyText(answerer, q.question));
    if (lacks.length) failures.push(`${q.id} ${q.question} — lacks ${lacks.join('; ')}`);
  }
  return { ratio: (questions.length - failures.length) / questions.length, failures };
}
