/**
 * Append-only AuditLog on an Azure Table. PartitionKey = month of the entry, RowKey = its ISO time, a
 * per-process counter and a random suffix: entries are only ever inserted (createEntity, never upsert), the
 * table's natural (PartitionKey, RowKey) order is chronological, and `since` becomes a key range.
 * Filtering by subject scans the months in range; fine at audit volumes.
 */
import { randomBytes } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';
import { auditTime } from '../auditTime';
import type { AuditEntry, AuditLog } from '../ports';
import { fromEntityJson, toEntityJson } from './entityJson';

type ListedEntry = Required<Pick<AuditEntry, 'at'>> & AuditEntry;

let counter = 0;

export class AzureAuditLog implements AuditLog {
  constructor(private readonly table: TableClient) {}

  async append(entry: AuditEntry): Promise<void> {
    const at = auditTime(entry.at);
    counter = (counter + 1) % 1e9;
    const rowKey = `${at}_${String(counter).padStart(9, '0')}_${randomBytes(4).toString('hex')}`;
    await this.table.createEntity({
      partitionKey: at.slice(0, 7),
      rowKey,
      subject: entry.subject,
      ...toEntityJson(JSON.stringify({ ...entry, at }), `The audit entry "${entry.action}"`),
    });
  }

  async *list(options: { subject?: string; since?: string; limit?: number } = {}): AsyncIterable<ListedEntry> {
    const conditions: string[] = [];
    if (options.since !== undefined) {
      const since = auditTime(options.since);
      conditions.push(odata`PartitionKey ge ${since.slice(0, 7)} and RowKey ge ${since}`);
    }
    if (options.subject !== undefined) conditions.push(odata`subject eq ${options.subject}`);
    let remaining = options.limit ?? Infinity;
    if (remaining <= 0) return;
    const entities = this.table.listEntities<Record<string, unknown>>({
      queryOptions: conditions.length ? { filter: conditions.join(' and ') } : {},
    });
    for await (const entity of entities) {
      yield JSON.parse(fromEntityJson(entity)) as ListedEntry;
      if (--remaining <= 0) return;
    }
  }
}
