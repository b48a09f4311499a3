/**
 * RecordStore on an Azure Table: PartitionKey = collection, RowKey = key (escaped), version = the entity ETag.
 * Conditional writes pass the ETag explicitly: the SDK's default of "*" would silently overwrite.
 */
import { odata, type TableClient } from '@azure/data-tables';
import { VersionConflictError, type PutOptions, type RecordStore, type StoredRecord } from '../ports';
import { toJson } from '../toJson';
import { fromEntityJson, toEntityJson } from './entityJson';
import { restStatus } from './restStatus';
import { prefixEnd, tableKey } from './tableKey';

const PAGE = 100;

export class AzureRecordStore implements RecordStore {
  constructor(private readonly table: TableClient) {}

  async get<T>(collection: string, key: string): Promise<StoredRecord<T> | undefined> {
    try {
      const entity = await this.table.getEntity<Record<string, unknown>>(tableKey(collection), tableKey(key));
      return { key, value: JSON.parse(fromEntityJson(entity)) as T, version: entity.etag };
    } catch (error) {
      if (restStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async put<T>(collection: string, key: string, value: T, options: PutOptions = {}): Promise<string> {
    if (options.ifAbsent && options.ifVersion !== undefined) {
      throw new TypeError('put: pass ifAbsent or ifVersion, not both.');
    }
    const entity = {
      partitionKey: tableKey(collection),
      rowKey: tableKey(key),
      key,
      ...toEntityJson(toJson(value, `${collection}/${key}`), `The ${collection} record "${key}"`),
    };
    try {
      if (options.ifAbsent) return requireEtag(await this.table.createEntity(entity));
      if (options.ifVersion !== undefined) {
        return requireEtag(await this.table.updateEntity(entity, 'Replace', { etag: options.ifVersion }));
      }
      return requireEtag(await this.table.upsertEntity(entity, 'Replace'));
    } catch (error) {
      const status = restStatus(error);
      // 409: exists (ifAbsent); 412: changed; 404: deleted since it was read.
      if (status === 409 || status === 412 || status === 404) throw new VersionConflictError(collection, key);
      throw error;
    }
  }

  async delete(collection: string, key: string, options: { ifVersion?: string } = {}): Promise<void> {
    try {
      await this.table.deleteEntity(tableKey(collection), tableKey(key), { etag: options.ifVersion ?? '*' });
    } catch (error) {
      const status = restStatus(error);
      if (status === 404 && options.ifVersion === undefined) return;
      if (status === 404 || status === 412) throw new VersionConflictError(collection, key);
      throw error;
    }
  }

  async *list<T>(
    collection: string,
    options: { prefix?: string; limit?: number } = {},
  ): AsyncIterable<StoredRecord<T>> {
    const prefix = options.prefix ?? '';
    const partition = tableKey(collection);
    const from = tableKey(prefix);
    const to = prefixEnd(from);
    const filter =
      from === ''
        ? odata`PartitionKey eq ${partition}`
        : to === undefined
          ? odata`PartitionKey eq ${partition} and RowKey ge ${from}`
          : odata`PartitionKey eq ${partition} and RowKey ge ${from} and RowKey lt ${to}`;
    let remaining = options.limit ?? Infinity;
    if (remaining <= 0) return;
    const pages = this.table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: Math.min(PAGE, remaining) });
    for await (const page of pages) {
      for (const entity of page) {
        const key = String(entity.key);
        if (!key.startsWith(prefix)) continue;
        yield { key, value: JSON.parse(fromEntityJson(entity)) as T, version: String(entity.etag) };
        if (--remaining <= 0) return;
      }
    }
  }
}

function requireEtag(response: { etag?: string }): string {
  if (!response.etag) throw new Error('Azure Table storage returned no ETag for a write.');
  return response.etag;
}
