/**
 * Which of an app's secrets each of its connections holds, as far as this bot knows: the connections API never
 * returns a connection's secret, so the only record is the rotations that switched connections to a new secret.
 * For each connection, the latest rotation that updated it names the secret (key id) it was given.
 */
import type { SecretHeld } from '../../connections/impact/secretHeld';
import type { RecordStore } from '../../store/ports';
import type { Rotation } from './rotation';
import { ROTATIONS } from './rotationRepository';

export async function secretsHeldByConnections(records: RecordStore, appObjectId: string): Promise<SecretHeld[]> {
  const rotations: Rotation[] = [];
  for await (const record of records.list<Rotation>(ROTATIONS)) {
    if (record.value.appObjectId === appObjectId && record.value.newKeyId) rotations.push(record.value);
  }
  rotations.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  const held = new Map<string, SecretHeld>();
  for (const rotation of rotations) {
    for (const c of rotation.connections ?? []) {
      // A connection the rotation could not update keeps what it held before (the rotation keeps both secrets).
      if (c.outcome !== 'updated') continue;
      held.set(`${c.environmentId}/${c.connectionName.toLowerCase()}`, {
        environmentId: c.environmentId,
        connectionName: c.connectionName,
        keyId: rotation.newKeyId as string,
        since: rotation.updatedAt,
      });
    }
  }
  return [...held.values()];
}
