/**
 * Other words for the corpus's words, and the guard on privileged requests: a share, rotation, re-point or handover
 * is drafted only when the message asks for it in so many words, and a bare name after one is not "the same again".
 */
import { NameIndex, understand, type ConversationSubject } from '../../src/understanding';
import { canonicalWords } from '../../src/understanding/synonyms';

const NOW = new Date('2026-12-04T10:00:00Z');
const names = new NameIndex([
  { type: 'flow', name: 'Stock alerts' },
  { type: 'solution', name: 'Vendor Management' },
  { type: 'app', name: 'ALM-Pipeline-SP' },
  { type: 'app', name: 'Legacy-Integration' },
  { type: 'connection', name: 'SQL Server', aliases: [{ text: 'sql' }] },
  { type: 'user', name: 'Lee Gu', aliases: [{ text: 'Lee', when: 'capitalised' }] },
  { type: 'user', name: 'Lynne Robbins', aliases: [{ text: 'Lynne', when: 'capitalised' }] },
  { type: 'user', name: 'Adele Vance', aliases: [{ text: 'Adele', when: 'capitalised' }] },
]);
const read = (text: string, last?: ConversationSubject) => understand(text, { names, now: NOW, last });

test('variants map onto the corpus word, phrases keep their word positions, names are left alone', () => {
  expect(canonicalWords(['secrets', 'that', 'lapsed'])).toEqual(['secrets', 'that', 'expired']);
  expect(canonicalWords(['re', 'bind', 'the', 'refs'])).toEqual(['rebind', '', 'the', 'refs']);
  expect(canonicalWords(['start', 'the', 'scanner'], (i) => i === 2)).toEqual(['start', 'the', 'scanner']);
});

test('requests said with other verbs are read as the same requests', async () => {
  expect((await read('start the scanner')).intent).toBe('scanNow');
  expect((await read('list credentials that lapse within 60 days')).intent).toBe('expiringSecrets');
  expect(await read('time to change the client secret on ALM-Pipeline-SP')).toMatchObject({
    intent: 'requestRotation',
    entities: { app: 'ALM-Pipeline-SP' },
  });
  expect((await read('can you warn me ahead of time when secrets run out')).intent).toBe('subscribe');
});

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

test('an everyday request that only shares "how do I" with asking about the bot is not help', async () => {
  expect((await read('how do I bake bread')).intent).toBe('question');
  expect((await read('what are u good for')).intent).toBe('help');
});
