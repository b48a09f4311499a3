/**
 * A share, rotation, re-point or handover is drafted only when the message asks for it in so many words, a bare
 * name after one is not "the same again", and a handover goes to the one who takes over.
 */
import type { ConversationSubject } from '../../src/understanding';
import { NOW, read } from './smallTenantReader';

test('a privileged reading without the words that ask for it is a clarifying card', async () => {
  expect((await read('is Lee Gu okay')).intent).toBe('clarify');
  expect((await read("Lee Gu's stuff")).intent).toBe('clarify');
});

test('who hands over to whom: the one who takes over receives', async () => {
  expect(await read('Lynne takes over everything Lee Gu owned')).toMatchObject({
    intent: 'handover',
    entities: { user: 'Lee Gu', to: 'Lynne Robbins' },
  });
});

test('after a privileged request, a bare name or another connection does not repeat it; "and X?" does', async () => {
  const repoint: ConversationSubject = {
    intent: 'repointReferences',
    entities: { solution: 'Vendor Management' },
    at: NOW.toISOString(),
  };
  expect((await read('Adele', repoint)).intent).toBe('clarify');
  expect((await read('what about the SQL connection', repoint)).intent).toBe('clarify');
  const rotation: ConversationSubject = {
    intent: 'requestRotation',
    entities: { app: 'ALM-Pipeline-SP' },
    at: NOW.toISOString(),
  };
  expect((await read('Legacy-Integration', rotation)).intent).toBe('clarify');
  expect(await read('and Legacy-Integration?', rotation)).toMatchObject({
    intent: 'requestRotation',
    entities: { app: 'Legacy-Integration' },
  });
});

test('a hand-over said with "gets", "belongs to" or a possessive typed without its apostrophe', async () => {
  expect(await read('Lynne gets lee gus flows')).toMatchObject({
    intent: 'handover',
    entities: { user: 'Lee Gu', to: 'Lynne Robbins' },
  });
  expect(await read("Lee Gu's stuff should belong to Adele from now on")).toMatchObject({
    intent: 'handover',
    entities: { user: 'Lee Gu', to: 'Adele Vance' },
  });
  // the same words about one person ask for nothing to be moved
  expect((await read('what belongs to Lee Gu')).intent).not.toBe('handover');
  expect((await read('Lee Gu gets an error')).intent).not.toBe('handover');
});

test('a rotation asked for in words is taken over a nearer reading the words do not ask for', async () => {
  expect(await read('the Legacy-Integration secret needs replacing')).toMatchObject({
    intent: 'requestRotation',
    entities: { app: 'Legacy-Integration' },
  });
  expect(await read('can we cycle the credential on ALM-Pipeline-SP before it lapses')).toMatchObject({
    intent: 'requestRotation',
    entities: { app: 'ALM-Pipeline-SP' },
  });
  // without a word that asks for a new secret, it stays a question about the app
  expect((await read('can we look at the credential on ALM-Pipeline-SP before it lapses')).intent).not.toBe(
    'requestRotation',
  );
});

test('a hand-over reading the words do not ask for gives way to what the names say', async () => {
  // nearest to a hand-over ("co-owners"), but it names a flow and trouble with it
  expect(await read('Adele cant switch Stock alerts on, and how do co-owners work')).toMatchObject({
    intent: 'diagnoseFlow',
    entities: { flow: 'Stock alerts' },
  });
});

test('a question that says "stop" about something else does not unsubscribe; asking about the messages does', async () => {
  for (const text of [
    'Does putting HTTP in the Blocked group always stop child flows?',
    'will a DLP change stop my running flows straight away',
    'can I stop a flow from using my connection',
  ]) {
    expect((await read(text)).intent).not.toBe('unsubscribe');
  }
  for (const text of ['stop', 'mute', 'stop sending me these', 'no more alerts please', 'unsub', 'quiet please']) {
    expect((await read(text)).intent).toBe('unsubscribe');
  }
});
