/**
 * Opaque, never-reused versions and eTags. A per-row counter would restart after a delete, letting a writer
 * holding the old "1" overwrite a record that was deleted and re-created behind its back.
 */
import { randomBytes } from 'node:crypto';

export function newVersion(): string {
  return randomBytes(12).toString('base64url');
}
