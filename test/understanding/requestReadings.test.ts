/**
 * Readings the sentence shape alone gets wrong: what hangs on a named connection is an impact request, and "how do
 * I bake bread" is not a request for help with the bot.
 */
import { NameIndex, understand, type ConversationSubject } from '../../src/understanding';

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

test('what hangs on a named connection is an impact question about the tenant, not a how-to', async () => {
  expect(await read('which flows use my SQL Server connection')).toMatchObject({
    intent: 'impact',
    entities: { connection: 'SQL Server' },
  });
  expect((await read('what does a connection reference depend on')).intent).toBe('question');
});

test('an everyday request that only shares "how do I" with asking about the bot is not help', async () => {
  expect((await read('how do I bake bread')).intent).toBe('question');
  expect((await read('what are u good for')).intent).toBe('help');
});
