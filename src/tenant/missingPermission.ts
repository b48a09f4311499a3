/**
 * What the bot's identity is missing when a service refuses it (403), in the words of docs/deployment.md, so a
 * refusal tells an admin what to grant instead of only "not allowed". One sentence per API.
 */
import type { TenantApiError } from './errors';

const BY_API: Record<string, string> = {
  bap: 'the bot is not registered as a Power Platform management app (New-PowerAppManagementApp)',
  powerApps: 'the bot is not registered as a Power Platform management app (New-PowerAppManagementApp)',
  flow: 'the bot is not registered as a Power Platform management app (New-PowerAppManagementApp)',
  powerPlatform:
    'the bot neither owns this connection nor has it shared as Can edit (the Power Platform API has no admin scope)',
  graph:
    'the bot lacks a Microsoft Graph application permission (Application.Read.All, User.Read.All or GroupMember.Read.All)',
  dataverse: 'the bot has no application user with read access in this environment',
  keyVault: 'the bot lacks the Key Vault Secrets Officer role on the vault',
};

/** The permission to grant, or undefined when the refusal is not a missing permission (not a 403). */
export function missingPermission(error: Pick<TenantApiError, 'kind' | 'api'>): string | undefined {
  if (error.kind !== 'forbidden') return undefined;
  return BY_API[error.api];
}

/** "N minutes" / "N seconds" for a Retry-After, for a person. */
export function waitInWords(ms: number): string {
  if (ms >= 90_000) return `${Math.ceil(ms / 60_000)} minutes`;
  return `${Math.max(1, Math.ceil(ms / 1000))} seconds`;
}
