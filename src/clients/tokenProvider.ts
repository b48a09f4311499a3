/**
 * Bearer tokens per scope from one TokenCredential, kept until shortly before they expire and fetched once
 * when many requests ask at the same time. (@azure/identity caches too; this also spares the async round trip
 * and turns a failed acquisition into a typed error.)
 */
import { AuthenticationError, CredentialUnavailableError, type TokenCredential } from '@azure/identity';
import { scrubSecrets } from '../logging/logger';
import { TenantApiError } from '../tenant/errors';

/** Refresh this long before expiry so that a token never expires in flight. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * A credential, or a way to make another one like it. With a factory, scopes are spread over credential instances,
 * SCOPES_PER_CREDENTIAL each: MSAL's in-memory token cache costs time in the square of the tokens it holds on every
 * acquisition (each save walks every cached token and, for each, the cache's keys again), and a tenant scan needs a
 * token per Dataverse org (200 at scale): ~0.5 s of CPU with one credential, next to nothing with small caches.
 */
export type CredentialSource = TokenCredential | (() => TokenCredential);
const SCOPES_PER_CREDENTIAL = 16;

/** The credential itself, or the first one a factory makes (for SDK clients that take one credential). */
export function oneCredential(source: CredentialSource): TokenCredential {
  return typeof source === 'function' ? source() : source;
}

export class TokenProvider {
  private readonly cache = new Map<string, { token: string; expiresOn: number }>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly credentials = new Map<string, TokenCredential>();
  private current: { credential: TokenCredential; scopes: number } | undefined;
  private readonly firstAcquisition = new Map<TokenCredential, Promise<unknown>>();

  constructor(
    private readonly source: CredentialSource,
    private readonly now: () => number = Date.now,
  ) {}

  private credentialFor(scope: string): TokenCredential {
    if (typeof this.source !== 'function') return this.source;
    let credential = this.credentials.get(scope);
    if (!credential) {
      if (!this.current || this.current.scopes >= SCOPES_PER_CREDENTIAL) {
        this.current = { credential: this.source(), scopes: 0 };
      }
      this.current.scopes++;
      credential = this.current.credential;
      this.credentials.set(scope, credential);
    }
    return credential;
  }

  async token(scope: string, api: string): Promise<string> {
    const cached = this.cache.get(scope);
    if (cached && cached.expiresOn - REFRESH_MARGIN_MS > this.now()) return cached.token;
    let pending = this.pending.get(scope);
    if (!pending) {
      pending = this.acquire(scope, api).finally(() => this.pending.delete(scope));
      this.pending.set(scope, pending);
    }
    return pending;
  }

  /** Forget a token the service refused (401), so the next attempt asks the credential again. */
  invalidate(scope: string): void {
    this.cache.delete(scope);
  }

  private async acquire(scope: string, api: string): Promise<string> {
    try {
      const credential = this.credentialFor(scope);
      // A credential's first acquisition runs alone: MSAL fetches the authority's metadata once it has none, and
      // every acquisition started before that first answer fetched it again (127 metadata requests for 13 fresh
      // credentials in the tenant scan, instead of 13).
      const first = this.firstAcquisition.get(credential);
      if (first) await first.catch(() => undefined);
      const attempt = credential.getToken(scope);
      if (!first) this.firstAcquisition.set(credential, attempt);
      const result = await attempt;
      if (!result) throw new CredentialUnavailableError('the credential returned no token');
      this.cache.set(scope, { token: result.token, expiresOn: result.expiresOnTimestamp });
      return result.token;
    } catch (error) {
      throw tokenError(error, scope, api);
    }
  }
}

/** A refused credential is `unauthorized` with Entra's code; anything else (network, IMDS down) is `unavailable`. */
export function tokenError(error: unknown, scope: string, api: string): TenantApiError {
  if (error instanceof TenantApiError) return error;
  // CredentialUnavailable alone is not a refusal: it is also what an unreachable authority looks like.
  const refused =
    error instanceof AuthenticationError ||
    (error instanceof Error && /AADSTS\d+|invalid_client|unauthorized_client|invalid_grant/.test(error.message));
  const code =
    error instanceof AuthenticationError
      ? error.errorResponse.error || 'AuthenticationFailed'
      : error instanceof CredentialUnavailableError
        ? 'CredentialUnavailable'
        : refused
          ? 'AuthenticationFailed'
          : 'TokenEndpointUnavailable';
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new TenantApiError({
    message: scrubSecrets(`${api}: could not obtain a token for ${scope} (${detail})`),
    code,
    kind: refused ? 'unauthorized' : 'unavailable',
    api,
    cause: new Error(code),
  });
}
