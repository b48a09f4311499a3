/**
 * TokenProbePort: can this app get a token with this secret? Used to verify a rotated secret before switching
 * connections to it. A refusal by Entra (invalid_client, any AADSTS error) is an answer (false); not reaching Entra
 * is not, and throws.
 */
import { AuthenticationError, ClientSecretCredential } from '@azure/identity';
import { TenantApiError } from '../tenant/errors';
import type { TokenProbePort } from '../tenant/ports';
import { authorityOptions } from './credentials';
import { tokenError } from './tokenProvider';

export class TokenProbe implements TokenProbePort {
  constructor(
    private readonly endpoints: { tenantId: string; authorityHost: string; scopes: { graph: string } },
    /** Retries of the identity library's own HTTP pipeline when Entra cannot be reached (its default: 3). */
    private readonly options: { maxRetries?: number } = {},
  ) {}

  async canAuthenticate(clientId: string, clientSecret: string): Promise<boolean> {
    const credential = new ClientSecretCredential(this.endpoints.tenantId, clientId, clientSecret, {
      ...authorityOptions(this.endpoints.authorityHost),
      ...(this.options.maxRetries !== undefined ? { retryOptions: { maxRetries: this.options.maxRetries } } : {}),
    });
    try {
      const token = await credential.getToken(this.endpoints.scopes.graph);
      return Boolean(token?.token);
    } catch (error) {
      if (isRefusal(error)) return false;
      const mapped = tokenError(error, this.endpoints.scopes.graph, 'token');
      throw new TenantApiError({
        message: mapped.message,
        code: mapped.code,
        kind: 'unavailable',
        api: 'token',
        cause: new Error(mapped.code),
      });
    }
  }
}

function isRefusal(error: unknown): boolean {
  if (error instanceof AuthenticationError) {
    return error.statusCode >= 400 && error.statusCode < 500;
  }
  return error instanceof Error && /AADSTS\d+|invalid_client|unauthorized_client/.test(error.message);
}
