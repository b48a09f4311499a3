/** Typos around names are read as the word meant; everyday words and numbers are left alone. */
import { correctWord } from '../../src/understanding/spelling';

test.each([
  ['reprot', 'report'],
  ['governence', 'governance'],
  ['remnd', 'remind'],
  ['expird', 'expire'],
  ['subscrbe', 'subscribe'],
])('%j is read as %j', (typed, meant) => {
  expect(correctWord(typed)).toBe(meant);
});

test.each(['three', 'there', 'step', 'weeks', 'dataverse', 'd365'])('%j stays as typed', (word) => {
  expect(correctWord(word)).toBe(word);
});
