/**
 * JSON documents as Azure Table entity properties. A string property holds at most 64 KiB (32 K UTF-16 chars)
 * and an entity at most 1 MiB, so larger documents are deflated and split into binary chunk properties. JSON
 * compresses well: a 1 MB document typically takes a few chunks; a document that still exceeds the entity
 * limit after compression is refused with an actionable error rather than truncated.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const MAX_STRING_CHARS = 30_000;
const CHUNK_BYTES = 60_000;
const MAX_CHUNKS = 15;

export type JsonProperties = Record<string, string | number | Uint8Array>;

export function toEntityJson(json: string, what: string): JsonProperties {
  if (json.length <= MAX_STRING_CHARS) return { json };
  const packed = deflateRawSync(Buffer.from(json, 'utf8'));
  const chunks = Math.ceil(packed.length / CHUNK_BYTES);
  if (chunks > MAX_CHUNKS) {
    throw new RangeError(
      `${what} is too large for Azure Table storage (${packed.length} bytes compressed, limit ${MAX_CHUNKS * CHUNK_BYTES}); split it into several records.`,
    );
  }
  const properties: JsonProperties = { chunks };
  for (let i = 0; i < chunks; i++) {
    properties[`z${i}`] = new Uint8Array(packed.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
  }
  return properties;
}

export function fromEntityJson(entity: Record<string, unknown>): string {
  if (typeof entity.json === 'string') return entity.json;
  const chunks = Number(entity.chunks);
  const parts: Buffer[] = [];
  for (let i = 0; i < chunks; i++) {
    const part = entity[`z${i}`];
    if (!(part instanceof Uint8Array)) throw new Error(`Stored entity is missing chunk z${i} of ${chunks}.`);
    parts.push(Buffer.from(part));
  }
  return inflateRawSync(Buffer.concat(parts)).toString('utf8');
}
