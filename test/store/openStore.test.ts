/** openStore picks the adapter from the validated configuration. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { openStore, SQLITE_FILE_NAME } from '../../src/store';
import { startAzurite, type RunningAzurite } from '../support/azurite';

const dir = mkdtempSync(join(tmpdir(), 'connection-ops-open-'));
let azurite: RunningAzurite | undefined;
afterAll(async () => {
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('openStore', () => {
  it('opens the SQLite file in DATA_DIR by default', async () => {
    const store = await openStore(loadConfig({ DATA_DIR: join(dir, 'data') }));
    await store.records.put('c', 'k', { ok: true });
    await store.close();
    expect(existsSync(join(dir, 'data', SQLITE_FILE_NAME))).toBe(true);
    const again = await openStore(loadConfig({ DATA_DIR: join(dir, 'data') }));
    expect((await again.records.get('c', 'k'))?.value).toEqual({ ok: true });
    await again.close();
  });

  it('opens Azure Storage from a connection string when STORAGE=azure', async () => {
    azurite = await startAzurite();
    const config = loadConfig({ STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString });
    const store = await openStore(config);
    await store.ping();
    const version = await store.records.put('c', 'k', { ok: true });
    expect(version).toMatch(/^W\/"datetime/);
    await store.close();
  });
});
