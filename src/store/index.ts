/**
 * Opens the configured store: SQLite in DATA_DIR by default, Azure Storage with STORAGE=azure (a connection
 * string, or an account URL reached with DefaultAzureCredential, e.g. a managed identity). The Azure SDKs are
 * loaded only when chosen, so the default start-up stays light.
 */
import { join } from 'node:path';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Store } from './ports';
import { openSqliteStore } from './sqlite/openSqliteStore';

export type StoreConfig = Pick<
  Config,
  | 'STORAGE'
  | 'DATA_DIR'
  | 'AZURE_STORAGE_CONNECTION_STRING'
  | 'AZURE_STORAGE_ACCOUNT_URL'
  | 'MANAGED_IDENTITY_CLIENT_ID'
>;

export const SQLITE_FILE_NAME = 'connection-ops.sqlite';

/** `clock`: when jobs become visible and leases run out (compose passes the bot's clock). */
export async function openStore(config: StoreConfig, options: { clock?: Clock } = {}): Promise<Store> {
  const { clock } = options;
  if (config.STORAGE === 'sqlite') return openSqliteStore({ file: join(config.DATA_DIR, SQLITE_FILE_NAME), clock });

  const { openAzureStore } = await import('./azure/openAzureStore');
  if (config.AZURE_STORAGE_CONNECTION_STRING) {
    return openAzureStore({ connectionString: config.AZURE_STORAGE_CONNECTION_STRING, clock });
  }
  if (config.AZURE_STORAGE_ACCOUNT_URL) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    const credential = new DefaultAzureCredential({ managedIdentityClientId: config.MANAGED_IDENTITY_CLIENT_ID });
    return openAzureStore({ accountUrl: config.AZURE_STORAGE_ACCOUNT_URL, credential, clock });
  }
  throw new Error('STORAGE=azure needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL.');
}
