/** The store conformance suite on a real Azurite started for this file, plus Azure-only concerns. */
import { randomBytes } from 'node:crypto';
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
