/**
 * StoreItemsStorage on an Azure Table (one entity per key) with botbuilder MemoryStorage's eTag rules; the
 * item's eTag is the entity ETag. Writes of several keys are applied one by one, as MemoryStorage does.
 */
import type { TableClient } from '@azure/data-tables';
import { ETagConflictError, type StoreItemsStorage } from '../ports';
import { toJson } from '../toJson';
import { fromEntityJson, toEntityJson } from './entityJson';
import { restStatus } from './restStatus';
import { tableKey } from './tableKey';

type Item = Record<string, unknown>;
const ROW = 'state';

export class AzureBotStateStorage implements StoreItemsStorage {
  constructor(private readonly table: TableClient) {}

  async read(keys: string[]): Promise<Record<string, Item>> {
    const items: Record<string, Item> = {};
    await Promise.all(
      keys.map(async (key) => {
        try {
          const entity = await this.table.getEntity<Record<string, unknown>>(tableKey(key), ROW);
          items[key] = { ...(JSON.parse(fromEntityJson(entity)) as Item), eTag: entity.etag };
        } catch (error) {
          if (restStatus(error) !== 404) throw error;
        }
      }),
    );
    return items;
  }

  async write(changes: Record<string, Item>): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...rest } = item;
      const entity = {
        partitionKey: tableKey(key),
        rowKey: ROW,
        ...toEntityJson(toJson(rest, `bot state "${key}"`), `The bot state "${key}"`),
      };
      if (!eTag || eTag === '*') {
        await this.table.upsertEntity(entity, 'Replace');
        continue;
      }
      try {
        await this.table.updateEntity(entity, 'Replace', { etag: String(eTag) });
      } catch (error) {
        const status = restStatus(error);
        if (status === 412) throw new ETagConflictError(key);
        if (status !== 404) throw error;
        // MemoryStorage accepts an eTag for an absent item; a concurrent creator makes it a conflict again.
        await this.table.createEntity(entity).catch((createError: unknown) => {
          throw restStatus(createError) === 409 ? new ETagConflictError(key) : createError;
        });
      }
    }
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.table.deleteEntity(tableKey(key), ROW).catch((error: unknown) => {
          if (restStatus(error) !== 404) throw error;
        }),
      ),
    );
  }
}
