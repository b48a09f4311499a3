/**
 * A privileged action the message refuses is never drafted, and what the message does ask for is still read.
 */
import { withoutRefusedActions } from '../../src/understanding/negation';
import type { ConversationSubject } from '../../src/understanding';
import { NOW, read } from './smallTenantReader';

const PRIVILEGED = ['requestShare', 'requestRotation', 'repointReferences', 'handover'];

test('the clause that refuses a privileged verb is emptied up to punctuation or "just"; names stay', () => {
  const ws = ['not', 'asking', 'to', 'hand', 'over', 'lee', 'flows', 'just', 'what', 'would', 'break'];
  expect(
    withoutRefusedActions(
      ws,
      (i) => i === 5,
      () => false,
    ),
  ).toEqual(['', '', '', '', '', 'lee', '', 'just', 'what', 'would', 'break']);
  const share = ['forget', 'the', 'share', 'list', 'my', 'conns'];
  expect(
    withoutRefusedActions(
      share,
      () => false,
      (i) => i === 3,
    ),
  ).toEqual(['', '', '', 'list', 'my', 'conns']);
});

test('a negation without a privileged verb in its clause is left to the classifier', () => {
  const ws = ['no', 'more', 'alerts', 'please'];
  expect(
    withoutRefusedActions(
      ws,
      () => false,
      () => false,
    ),
  ).toEqual(ws);
  // "no, share it": the refusal ends at the comma, the share that follows is asked for
  expect(
    withoutRefusedActions(
      ['no', 'share', 'it'],
      () => false,
      (i) => i === 1,
    ),
  ).toEqual(['no', 'share', 'it']);
});

test('refused shares, rotations, hand-overs and re-points are not drafted', async () => {
  for (const text of [
    "don't share my SQL connection with Adele",
    'never rotate the ALM-Pipeline-SP secret without asking me',
    "do not hand over Lee Gu's flows to Lynne",
    "don't repoint the Vendor Management references yet",
  ]) {
    expect([text, (await read(text)).intent]).not.toEqual([text, expect.stringMatching(PRIVILEGED.join('|'))]);
  }
});

test('after refusing the action, the rest of the message is what is asked', async () => {
  expect(await read("not asking to hand over Lee Gu's flows, just what would break")).toMatchObject({
    intent: 'impact',
    entities: { user: 'Lee Gu' },
  });
  // the same sentence without the refusal is a hand-over: the refusal, not the words around it, is what counts
  expect((await read("hand over Lee Gu's flows")).intent).toBe('handover');
});

test('"don\'t rotate it" after a list of secrets does not rotate the first one', async () => {
  const listed: ConversationSubject = {
    intent: 'expiringSecrets',
    entities: {},
    shown: [{ type: 'app', name: 'ALM-Pipeline-SP' }],
    at: NOW.toISOString(),
  };
  expect((await read('rotate it', listed)).intent).toBe('requestRotation');
  expect((await read("don't rotate it", listed)).intent).not.toBe('requestRotation');
});

test('a message that only refuses an action is told that nothing goes ahead without a confirmed card', async () => {
  for (const text of ["don't share it", 'no, do not rotate that yet', 'never hand over anything']) {
    const u = await read(text);
    expect(u.intent).toBe('clarify');
    expect(u.choose?.title).toBe('OK, nothing will be done.');
    expect(u.choose?.intro).toContain('Send request');
  }
  // one that goes on to ask something is read for that ask
  expect((await read("don't share it, show the Stock alerts flow's problem")).choose).toBeUndefined();
});
