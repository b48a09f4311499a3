/**
 * From text to intent, names and confidence, with a small name index: names lift the intent, how-to questions stay
 * questions, follow-ups take the last subject, and close calls or missing subjects are asked about.
 */
import { NameIndex, understand, type ConversationSubject } from '../../src/understanding';

const NOW = new Date('2026-12-04T10:00:00Z');
const names = new NameIndex([
  { type: 'flow', name: 'Weekly report' },
  { type: 'flow', name: 'Nightly export' },
  { type: 'solution', name: 'Lunch order' },
  { type: 'app', name: 'D365-App-Registration' },
  { type: 'app', name: 'CoE-Sync-SP' },
  { type: 'user', name: 'Lee Gu', aliases: [{ text: 'Lee', when: 'capitalised' }] },
  { type: 'user', name: 'Lynne Robbins', aliases: [{ text: 'Lynne', when: 'capitalised' }] },
]);
const read = (text: string, last?: ConversationSubject) => understand(text, { names, now: NOW, last });

test('a known flow with trouble words is a diagnosis even without a command', async () => {
  expect(await read('Nightly export blew up with an error')).toMatchObject({
    intent: 'diagnoseFlow',
    entities: { flow: 'Nightly export' },
  });
});

test('a how-to question stays a question; the same words about my named thing are a request', async () => {
  expect((await read('How do I rotate a client secret?')).intent).toBe('question');
  expect(await read('rotate the client secret of coe-sync-sp')).toMatchObject({
    intent: 'requestRotation',
    entities: { app: 'CoE-Sync-SP' },
  });
});

test('a request without its subject says which kind of subject is missing', async () => {
  expect(await read('my flow wont start')).toMatchObject({ intent: 'diagnoseFlow', missing: 'flow' });
});

test('follow-ups take the last subject, and ordinals the order of what was shown', async () => {
  const last: ConversationSubject = {
    intent: 'diagnoseFlow',
    entities: { flow: 'Weekly report' },
    at: NOW.toISOString(),
  };
  expect(await read('and nightly export?', last)).toMatchObject({
    intent: 'diagnoseFlow',
    entities: { flow: 'Nightly export' },
  });
  const listed: ConversationSubject = {
    intent: 'expiringSecrets',
    entities: {},
    shown: [
      { type: 'app', name: 'D365-App-Registration' },
      { type: 'app', name: 'CoE-Sync-SP' },
    ],
    at: NOW.toISOString(),
  };
  expect(await read('rotate the second one', listed)).toMatchObject({
    intent: 'requestRotation',
    entities: { app: 'CoE-Sync-SP' },
  });
  const it = await read('rotate it', listed);
  expect(it.intent).toBe('clarify');
  expect(it.choices?.map((c) => c.text)).toEqual([
    'rotate the secret of D365-App-Registration',
    'rotate the secret of CoE-Sync-SP',
  ]);
  // An old subject is forgotten.
  const stale = { ...last, at: new Date(NOW.getTime() - 2 * 3_600_000).toISOString() };
  expect((await read('and nightly export?', stale)).entities.flow).toBe('Nightly export');
  expect((await read('rotate the second one', { ...listed, at: stale.at })).entities.app).toBeUndefined();
});

test('the new intents are understood with who gives and who receives', async () => {
  expect(await read('Lynne takes over from Lee Gu')).toMatchObject({
    intent: 'handover',
    entities: { user: 'Lee Gu', to: 'Lynne Robbins' },
  });
  expect(await read("what breaks if D365-App-Registration's secret expires")).toMatchObject({
    intent: 'impact',
    entities: { app: 'D365-App-Registration' },
  });
});

test('every clarifying choice reads back as the request it offers', async () => {
  const choices = (await read('Weekly report')).choices ?? [];
  expect(choices.length).toBeGreaterThan(1);
  for (const choice of choices.filter((c) => !c.text.startsWith('Question:'))) {
    const back = await read(choice.text);
    expect(back.intent).not.toBe('clarify');
    expect(back.intent).not.toBe('question');
  }
  // The button that answers the words as a question says so, and is read as one.
  expect(await read('Question: Weekly report')).toMatchObject({ intent: 'question', text: 'Weekly report' });
});

test('asking what one can type or ask the bot is help, though it starts like a how-to', async () => {
  const names = new NameIndex([]);
  for (const text of ['is there a list of things i can type to you', 'which things can I ask u about']) {
    expect((await understand(text, { names })).intent).toBe('help');
  }
  expect((await understand('what can I ask my admin about DLP', { names })).intent).toBe('question');
});
