/**
 * Which unknown words of a question name its asked point: the thing in a noun phrase ("the retry policy", "a proxy
 * server", "the timeout of …"), not padding ("confirm", "grabbed") nor a qualifier of a term the articles use ("the
 * minimum security role").
 */
import { findAskedPoint } from '../../src/knowledge/askedPoint';

/** The phrases the articles use, for these tests: "security role" and "connection reference". */
const ARTICLE_PHRASES = new Set(['security rol', 'connection referenc']);
const isPhrase = (first: string, second: string) => ARTICLE_PHRASES.has(`${first} ${second}`);

const of = (question: string, unknown: string[]) => {
  const { point, partners } = findAskedPoint(question, unknown, isPhrase);
  return { point: [...point].sort(), partners: [...partners].sort() };
};

test('an unknown word in a compound is the point, and its neighbour is only phrased with it', () => {
  expect(of('How do I set the retry policy of a SharePoint connection?', ['retry'])).toEqual({
    point: ['retry'],
    partners: ['policy'],
  });
  expect(of('How do I route a custom connector connection through a proxy server?', ['proxy', 'rout'])).toEqual({
    point: ['proxy'],
    partners: ['server'],
  });
});

test('the head of an attribute phrase ("the timeout of …") is the point', () => {
  expect(of('How do I set the timeout of a SQL connection?', ['timeout'])).toEqual({ point: ['timeout'], partners: [] });
});

test('unknown padding outside a noun phrase is not the point', () => {
  expect(of('How do I confirm my flow really runs as the service principal?', ['confirm'])).toEqual({
    point: [],
    partners: [],
  });
  expect(of('power automate grabbed a connection reference that lives in some other solution', ['grab'])).toEqual({
    point: [],
    partners: [],
  });
});

test('a qualifier of a phrase the articles use is not the point; of other known words it is', () => {
  expect(of('What is the minimum security role to deploy connection references?', ['minimum'])).toEqual({
    point: [],
    partners: [],
  });
  expect(of('Does the Dataverse connector honour the retry-after header?', ['honour', 'retry'])).toEqual({
    point: ['retry'],
    partners: ['after', 'header'],
  });
});

test('a phrase stops at the end of a sentence or a quotation', () => {
  expect(of('It should use a service principal instead of my account. Walk me through it', ['walk'])).toEqual({
    point: [],
    partners: [],
  });
});

test('no unknown words, no point', () => {
  expect(of('How do I set the retry policy of a SharePoint connection?', [])).toEqual({ point: [], partners: [] });
});
