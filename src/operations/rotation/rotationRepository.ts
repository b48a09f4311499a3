/** Reads and creates rotation records (collection `rotations`); updates go through RotationRun.save (conditional). */
import type { RecordStore, StoredRecord } from '../../store/ports';
import { VersionConflictError } from '../../store/ports';
import type { Rotation } from './rotation';

export const ROTATIONS = 'rotations';

export function loadRotation(records: RecordStore, id: string): Promise<StoredRecord<Rotation> | undefined> {
  return records.get<Rotation>(ROTATIONS, id);
}

/** Writes the record only if none exists under its id; returns whichever record is stored afterwards. */
export async function insertRotation(records: RecordStore, rotation: Rotation): Promise<Rotation> {
  try {
    await records.put(ROTATIONS, rotation.id, rotation, { ifAbsent: true });
    return rotation;
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const existing = await loadRotation(records, rotation.id);
    if (!existing) throw error;
    return existing.value;
  }
}
