import { supportFrom, unsupportedFacts } from '../../../src/app/planner/llmFacts';
import { keepOnlyLinksTo } from '../../../src/app/planner/llmLinks';

const passage =
  'Each flow can use up to 2,000 connection references. Power Automate sends a reminder 30 days before. ' +
  'Share the connection with a service principal (Microsoft Entra ID), priced per user.';
const support = supportFrom([passage]);

describe('facts a sentence states that its passages do not', () => {
  it.each([
    ['the same number written differently', 'A flow can use 2000 references.'],
    ['names the passage uses', 'Use Power Automate and a Microsoft Entra ID app.'],
    ['plain words and a capitalized first word', 'Share it with a service principal.'],
    ['a capital after a colon', 'In short: Share it with a service principal.'],
  ])('accepts %s', (_case, sentence) => {
    expect(unsupportedFacts(sentence, support)).toEqual([]);
  });

  it.each([
    ['a number', 'A flow can use 25 references.', ['25']],
    ['a price', 'It costs 2 USD.', ['2', 'USD']],
    ['a currency sign', 'It costs $5.', ['5', '$']],
    ['a date', 'This changes in July.', ['July']],
    ['a year', 'This changes in 2025.', ['2025']],
    ['a number in words', 'You get twenty-five of them.', ['twenty-five']],
    ['a product name', 'Create it in Azure Logic Apps.', ['Azure', 'Logic', 'Apps']],
  ])('finds %s', (_case, sentence, missing) => {
    expect(unsupportedFacts(sentence, support)).toEqual(missing);
  });
});

describe('links in model-written text', () => {
  const allowed = new Set(['https://learn.microsoft.com/a']);

  it.each([
    ['a scheme-relative markdown link', 'Read the [guide](//evil.example.net/fix).', 'Read the guide.'],
    ['a javascript: link', 'Click [here](javascript:alert(1)) now.', 'Click here now.'],
    [
      'an allowed markdown link',
      'See [the docs](https://learn.microsoft.com/a/) [1].',
      'See [the docs](https://learn.microsoft.com/a/) [1].',
    ],
  ])('%s', (_case, text, expected) => {
    expect(keepOnlyLinksTo(text, allowed).text).toBe(expected);
  });

  it.each([
    'Sign in at www.evil-example.net/login first.',
    'Go to evil-example.net/login first.',
    'Go to //evil.example.net first.',
    'Go to https://learn.microsoft.com.evil.net/a first.',
    'Mail mailto:help@evil.example.net now.',
  ])('drops the sentence of a foreign link: %s', (sentence) => {
    expect(keepOnlyLinksTo(`Keep this [1]. ${sentence} And this [1].`, allowed)).toEqual({
      text: 'Keep this [1]. And this [1].',
      removed: 1,
    });
  });
});
