/**
 * Composing an answer: the sentence that names the question's concepts leads, the rest follows without it, a
 * sentence that leans on the one before it brings that one along, and a passage nothing matches is left as it is.
 */
import { composeAnswer } from '../../src/knowledge/answerComposer';
import { processTerm } from '../../src/knowledge/queryAnalysis';

const concept = (word: string, weight = 1) => ({ terms: [processTerm(word)!], weight });

const passage = [
  'Connections live in an environment. A secret expires after its lifetime.',
  '',
  '1. Add a new secret.',
  '2. Update the connection.',
].join('\n');

test('the sentence naming the asked concepts leads and is not repeated in the body', () => {
  const { lead, body } = composeAnswer(passage, [concept('secret', 2), concept('expire', 3)]);
  expect(lead).toBe('A secret expires after its lifetime.');
  expect(body).toBe('Connections live in an environment.\n\n1. Add a new secret.\n2. Update the connection.');
});

test('a list item can lead; the list keeps its other items', () => {
  const { lead, body } = composeAnswer(passage, [concept('update', 3), concept('connection', 1)]);
  expect(lead).toBe('Update the connection.');
  expect(body).toContain('1. Add a new secret.');
  expect(body).not.toContain('Update the connection');
});

test('a sentence that leans on the previous one brings it along', () => {
  const text = 'A service principal owns the flow. It needs a Process license for premium connectors.';
  const { lead, body } = composeAnswer(text, [concept('process', 3), concept('license', 2)]);
  expect(lead).toBe(text);
  expect(body).toBe('');
});

test('when no sentence names a concept there is no lead and the passage is unchanged', () => {
  expect(composeAnswer(passage, [concept('football')])).toEqual({ lead: '', body: passage, leadWeight: 0 });
});
