/**
 * The ask of a chatty message: pleasantries and context around a request are not what it asks.
 */
import { theAsk } from '../../src/understanding/theAsk';
import { read } from './smallTenantReader';

test('pleasantries before and after, and the preamble before "anyway", are left out', () => {
  expect(
    theAsk('hey sorry to bother, busy week here, anyway which secrets expire in 30 days, thanks and have a good one'),
  ).toBe('which secrets expire in 30 days');
  expect(theAsk('quick one - Stock alerts failed again, any idea')).toBe('Stock alerts failed again, any idea');
  expect(theAsk('hope you are well. show my connections please, thx')).toBe('show my connections please');
});

test('a short question followed by context only is the question; a later question keeps the whole message', () => {
  expect(theAsk('do I have broken connections? I keep getting emails about them')).toBe(
    'do I have broken connections?',
  );
  const twoQuestions = 'my flow broke yesterday? no idea why. how do I fix it?';
  expect(theAsk(twoQuestions)).toBe(twoQuestions);
});

test('a message that is only a pleasantry, or has "anyway" with little after it, is left as it is', () => {
  expect(theAsk('thanks!')).toBe('thanks!');
  expect(theAsk('hi')).toBe('hi');
  expect(theAsk('can I share it anyway?')).toBe('can I share it anyway?');
});

test('a rambling request is read as its ask', async () => {
  const text =
    'hi, sorry to bug you, the migration has eaten my whole week, anyway could you list the secrets that expire within 30 days, cheers';
  expect(await read(text)).toMatchObject({ intent: 'expiringSecrets', entities: { days: 30 } });
});

test('"anyway" inside a sentence is not a turn to the ask', () => {
  expect(theAsk('can I share it anyway with someone else')).toBe('can I share it anyway with someone else');
  expect(theAsk('long week so anyway, show my connections')).toBe('show my connections');
});
