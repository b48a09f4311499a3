/**
 * Opens the configured store: SQLite in DATA_DIR by default, Azure Storage with STORAGE=azure (a connection
 * string, or an account URL reached with DefaultAzureCredential, e.g. a managed identity). The Azure SDKs are
 * loaded only when chosen, so the default start-up stays light.
 */
import { join } from 'node:path';
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

export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.STORAGE === 'sqlite') return openSqliteStore({ file: join(config.DATA_DIR, SQLITE_FILE_NAME) });

  const { openAzureStore } = await import('./azure/openAzureStore');
  if (config.AZURE_STORAGE_CONNECTION_STRING) {
    return openAzureStore({ connectionString: config.AZURE_STORAGE_CONNECTION_STRING });
  }
  if (config.AZURE_STORAGE_ACCOUNT_URL) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    const credential = new DefaultAzureCredential({ managedIdentityClientId: config.MANAGED_IDENTITY_CLIENT_ID });
    return openAzureStore({ accountUrl: config.AZURE_STORAGE_ACCOUNT_URL, credential });
  }
  throw new Error('STORAGE=azure needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL.');
}
