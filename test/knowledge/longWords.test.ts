/**
 * Pasted noise is not searched: a word longer than any word the articles use never reaches fuzzy matching (a
 * 65,000-character word held the event loop for seconds), and a question is at most a few dozen distinct words.
 */
import { createAnswerer } from '../../src/knowledge/answerer';
import { analyseQuestion, MAX_CONCEPTS, MAX_WORD_LENGTH, words } from '../../src/knowledge/queryAnalysis';

describe('bounded search terms', () => {
  it('drops words longer than the longest searchable word', () => {
    expect(words(`share ${'x'.repeat(65_000)} connection`)).toEqual(['share', 'connection']);
    expect(analyseQuestion('y'.repeat(MAX_WORD_LENGTH + 1)).words).toEqual([]);
    // Error codes are long words and still searched.
    expect(analyseQuestion('ConnectionAuthorizationFailed').words).toEqual(['connectionauthorizationfailed']);
  });

  it('searches at most a bounded number of distinct words of one question', () => {
    let seed = 11;
    const word = () =>
      Array.from({ length: 6 }, () => String.fromCharCode(97 + ((seed = (seed * 48271) % 2147483647) % 26))).join('');
    const question = Array.from({ length: 4_000 }, word).join(' ');
    expect(analyseQuestion(question).concepts.length).toBeLessThanOrEqual(MAX_CONCEPTS);
  });

  it('still answers a real question that comes after a long word', () => {
    const answer = createAnswerer().answer(`${'z'.repeat(65_000)} what is a connection reference?`);
    expect(answer.confident).toBe(true);
  });
});
