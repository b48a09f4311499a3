/**
 * Readings the sentence shape alone gets wrong: what hangs on a named connection is an impact request, and "how do
 * I bake bread" is not a request for help with the bot.
 */
import { read } from './smallTenantReader';

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
