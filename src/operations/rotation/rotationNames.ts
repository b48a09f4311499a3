/**
 * Names the saga gives to things in the tenant: the rotation id (derived from the approval, so creating the same
 * rotation twice finds the first), the credential display name that lets a restart find what it added, and the
 * Key Vault secret name.
 */
import { createHash } from 'node:crypto';

export function rotationIdFor(approvalId: string): string {
  return `rot-${createHash('sha256').update(approvalId).digest('hex').slice(0, 24)}`;
}

const PREFIX = 'ConnectionOps rotation ';

/** Attempt 1 is `ConnectionOps rotation <id>`; later attempts carry a suffix so each call is told apart. */
export function credentialDisplayName(rotationId: string, attempt: number): string {
  return attempt <= 1 ? `${PREFIX}${rotationId}` : `${PREFIX}${rotationId} attempt ${attempt}`;
}

/** True for any credential this rotation added, whatever the attempt. */
export function isOwnCredential(displayName: string | undefined, rotationId: string): boolean {
  if (!displayName) return false;
  const base = `${PREFIX}${rotationId}`;
  return displayName === base || displayName.startsWith(`${base} attempt `);
}

/** Key Vault names allow only letters, digits and dashes; an app id is a GUID, so `sp-<appId>` fits. */
export function vaultSecretName(appId: string): string {
  return `sp-${appId}`.replace(/[^0-9a-zA-Z-]/g, '-');
}
