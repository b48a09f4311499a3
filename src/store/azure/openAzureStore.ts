/**
 * The scale-out store: Azure Tables (records, audit, bot state, job ids), a Blob container (leases) and two
 * Queues (jobs and their poison queue), created at open when missing. All names start with `namePrefix`, so
 * several deployments (or test runs) can share one account.
 */
import { TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import type { Store } from '../ports';
import { AzureAuditLog } from './azureAuditLog';
import { AzureBotStateStorage } from './azureBotStateStorage';
import { AzureJobQueue } from './azureJobQueue';
import type { Clock } from '../../clock';
import { AzureLeaseStore } from './azureLeaseStore';
import { AzureRecordStore } from './azureRecordStore';
import { restStatus } from './restStatus';

export type AzureStoreOptions = (
  | { connectionString: string }
  | {
      /** Any of the account's endpoints, e.g. https://myaccount.blob.core.windows.net. */
      accountUrl: string;
      credential: TokenCredential;
    }
) & {
  /** Lowercase letters and digits, starting with a letter (default "connops"). */
  namePrefix?: string;
  /** Stamps lease expiry (default: the system clock). */
  clock?: Clock;
};

export async function openAzureStore(options: AzureStoreOptions): Promise<Store> {
  const prefix = options.namePrefix ?? 'connops';
  if (!/^[a-z][a-z0-9]{0,29}$/.test(prefix)) {
    throw new Error(
      `Storage name prefix "${prefix}" must be 1–30 lowercase letters or digits, starting with a letter.`,
    );
  }
  const { table, blobs, queues } = clientsFor(options);
  const records = table(`${prefix}records`);
  const audit = table(`${prefix}audit`);
  const botState = table(`${prefix}botstate`);
  const jobIds = table(`${prefix}jobids`);
  const leases = blobs.getContainerClient(`${prefix}-leases`);
  const jobs = queues.getQueueClient(`${prefix}-jobs`);
  const poison = queues.getQueueClient(`${prefix}-jobs-poison`);

  await Promise.all([
    ...[records, audit, botState, jobIds].map((t) => t.createTable()),
    leases.createIfNotExists(),
    jobs.createIfNotExists(),
    poison.createIfNotExists(),
  ]);

  return {
    records: new AzureRecordStore(records),
    audit: new AzureAuditLog(audit),
    jobs: new AzureJobQueue(jobs, poison, jobIds),
    leases: new AzureLeaseStore(leases, options.clock),
    botState: new AzureBotStateStorage(botState),
    async ping() {
      await Promise.all([
        jobs.getProperties(),
        leases.getProperties(),
        records.getEntity('', '').catch((error: unknown) => {
          if (restStatus(error) !== 404) throw error;
        }),
      ]);
    },
    // The SDK clients hold no connections that need closing.
    async close() {},
  };
}

function clientsFor(options: AzureStoreOptions): {
  table: (name: string) => TableClient;
  blobs: BlobServiceClient;
  queues: QueueServiceClient;
} {
  if ('connectionString' in options) {
    const cs = options.connectionString;
    // Azurite and other local emulators speak plain http; the Tables SDK refuses that unless told.
    const allowInsecureConnection = /(^|;)\s*(DefaultEndpointsProtocol=http|\w+Endpoint=http:)/i.test(cs);
    return {
      table: (name) => TableClient.fromConnectionString(cs, name, { allowInsecureConnection }),
      blobs: BlobServiceClient.fromConnectionString(cs),
      queues: QueueServiceClient.fromConnectionString(cs),
    };
  }
  const endpoint = (service: 'blob' | 'queue' | 'table') => {
    const url = new URL(options.accountUrl);
    const [account, kind, ...rest] = url.hostname.split('.');
    if (!['blob', 'queue', 'table', 'dfs', 'file'].includes(kind) || rest.length === 0) {
      throw new Error(
        `AZURE_STORAGE_ACCOUNT_URL "${options.accountUrl}" is not an account endpoint like https://<account>.blob.core.windows.net.`,
      );
    }
    return `${url.protocol}//${[account, service, ...rest].join('.')}`;
  };
  return {
    table: (name) => new TableClient(endpoint('table'), name, options.credential),
    blobs: new BlobServiceClient(endpoint('blob'), options.credential),
    queues: new QueueServiceClient(endpoint('queue'), options.credential),
  };
}
