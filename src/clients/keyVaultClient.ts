/**
 * SecretVaultPort over @azure/keyvault-secrets (the SDK does Key Vault's challenge authentication and retries).
 * For a vault outside *.vault.azure.net (the emulator, a sovereign cloud's own suffix is still Microsoft's) the
 * challenge's resource cannot match the vault host, so its verification is turned off there only.
 */
import type { TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { registerSecretValue, scrubSecrets } from '../logging/logger';
import { TenantApiError } from '../tenant/errors';
import type { SecretVaultPort, SecretVersionInfo } from '../tenant/ports';
import { kindForStatus } from './errorMapping';

const MICROSOFT_VAULT_SUFFIXES = [
  '.vault.azure.net',
  '.vault.usgovcloudapi.net',
  '.vault.azure.cn',
  '.vault.microsoftazure.de',
];

export function isMicrosoftVault(vaultUrl: string): boolean {
  const host = new URL(vaultUrl).hostname.toLowerCase();
  return MICROSOFT_VAULT_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

export class KeyVaultClient implements SecretVaultPort {
  private readonly client: SecretClient;

  constructor(vaultUrl: string, credential: TokenCredential, options: { maxRetries?: number } = {}) {
    this.client = new SecretClient(vaultUrl, credential, {
      disableChallengeResourceVerification: !isMicrosoftVault(vaultUrl),
      retryOptions: options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : undefined,
    });
  }

  async setSecret(
    name: string,
    value: string,
    options: { expiresOn?: Date; tags?: Record<string, string>; contentType?: string },
  ): Promise<{ version: string }> {
    registerSecretValue(value);
    const result = await this.call('setSecret', () =>
      this.client.setSecret(name, value, {
        expiresOn: options.expiresOn,
        tags: options.tags,
        contentType: options.contentType,
      }),
    );
    return { version: result.properties.version ?? '' };
  }

  async getSecretValue(name: string, version?: string): Promise<string | undefined> {
    const secret = await this.call('getSecret', () => this.client.getSecret(name, { version }), true);
    if (secret?.value) registerSecretValue(secret.value);
    return secret?.value;
  }

  async getSecretProperties(
    name: string,
  ): Promise<{ version: string; tags: Record<string, string>; expiresOn?: Date } | undefined> {
    const secret = await this.call('getSecret', () => this.client.getSecret(name), true);
    if (!secret) return undefined;
    if (secret.value) registerSecretValue(secret.value);
    return {
      version: secret.properties.version ?? '',
      tags: secret.properties.tags ?? {},
      expiresOn: secret.properties.expiresOn,
    };
  }

  async listSecretVersions(name: string): Promise<SecretVersionInfo[]> {
    const versions: SecretVersionInfo[] = [];
    const found = await this.call(
      'listVersions',
      async () => {
        for await (const p of this.client.listPropertiesOfSecretVersions(name)) {
          versions.push({
            version: p.version ?? '',
            createdOn: p.createdOn,
            enabled: p.enabled !== false,
            tags: p.tags ?? {},
            expiresOn: p.expiresOn,
            contentType: p.contentType,
          });
        }
        return versions;
      },
      true,
    );
    // Newest first; versions made within the same second keep the vault's order (it lists oldest first).
    return (found ?? [])
      .map((v, i) => ({ v, i }))
      .sort((a, b) => (b.v.createdOn?.getTime() ?? 0) - (a.v.createdOn?.getTime() ?? 0) || b.i - a.i)
      .map(({ v }) => v);
  }

  async disableSecretVersion(name: string, version: string): Promise<void> {
    await this.call('updateSecret', () => this.client.updateSecretProperties(name, version, { enabled: false }));
  }

  private async call<T>(operation: string, run: () => Promise<T>, notFoundIsUndefined = false): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (notFoundIsUndefined && status === 404) return undefined as T;
      throw vaultError(operation, error, status);
    }
  }
}

function vaultError(operation: string, error: unknown, status: number | undefined): TenantApiError {
  if (error instanceof TenantApiError) return error;
  const code = (error as { code?: string }).code ?? (status ? `HTTP_${status}` : 'KeyVaultUnavailable');
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new TenantApiError({
    message: scrubSecrets(`keyVault ${operation} failed${status ? ` with HTTP ${status}` : ''}: ${message}`),
    code,
    kind: status ? kindForStatus(status) : 'unavailable',
    api: 'keyVault',
    status,
    // Not the SDK's error: it carries the request, and a setSecret request carries the secret.
    cause: new Error(code),
  });
}
