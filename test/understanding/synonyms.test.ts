/**
 * Other words for the corpus's words ("lapsed", "scanner", "re-bind"): mapped onto the word the classifier knows,
 * outside the tenant's names, so a request said with other verbs is read as the same request.
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
