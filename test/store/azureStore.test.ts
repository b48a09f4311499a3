/** The store conformance suite on a real Azurite started for this file, plus Azure-only concerns. */
import { randomBytes } from 'node:crypto';
import { QueueServiceClient } from '@azure/storage-queue';
import { openAzureStore } from '../../src/store/azure/openAzureStore';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { runStoreConformance } from './conformance';

let azurite: RunningAzurite;
const run = `t${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

runStoreConformance('azure', {
  open: (space) => openAzureStore({ connectionString: azurite.connectionString, namePrefix: `${run}${space}` }),
  // Blob leases last at least 15 s.
  leaseTtlMs: 15_000,
});

describe('azure: configuration', () => {
  it('refuses a name prefix Azure would reject', async () => {
    await expect(
      openAzureStore({ connectionString: azurite.connectionString, namePrefix: 'Bad-Prefix' }),
    ).rejects.toThrow(/lowercase letters or digits/);
  });

  it('refuses an account URL that is not a storage endpoint', async () => {
    const credential = { getToken: async () => null };
    await expect(openAzureStore({ accountUrl: 'https://example.com', credential })).rejects.toThrow(
      /not an account endpoint/,
    );
  });
});

describe('azure: the poison queue', () => {
  it('keeps a waiting job, and a poisoned one until a sweep takes it (no 7-day expiry)', async () => {
    const namePrefix = `${run}poison`;
    const store = await openAzureStore({ connectionString: azurite.connectionString, namePrefix });
    try {
      await store.jobs.enqueue('repoint.run', { approvalId: 'p1' }, { id: 'approval:p1' });
      const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
      const { peekedMessageItems: waiting } = await queues.getQueueClient(`${namePrefix}-jobs`).peekMessages();
      expect(waiting[0].expiresOn.getUTCFullYear()).toBeGreaterThanOrEqual(9999);
      for (;;) {
        const [job] = await store.jobs.receive({ visibilityTimeoutMs: 60_000 });
        if (!job) break;
        await store.jobs.extend(job, 0);
      }
      const poison = queues.getQueueClient(`${namePrefix}-jobs-poison`);
      const { peekedMessageItems } = await poison.peekMessages();
      expect(peekedMessageItems).toHaveLength(1);
      expect(peekedMessageItems[0].expiresOn.getUTCFullYear()).toBeGreaterThanOrEqual(9999);
    } finally {
      await store.close();
    }
  });
});
