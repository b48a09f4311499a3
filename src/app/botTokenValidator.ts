/**
 * Validates the Bot Framework token on each request ourselves, with node:crypto, in front of botbuilder's own
 * validation. botbuilder answers 500 with internal text for many bad tokens (`alg: none`, HS256 keyed with the
 * public key, PS256, a bad signature) and whenever the signing keys cannot be fetched, fetches them with no
 * timeout, and accepts a token without `exp`. Here a bad token is a TokenRejected (401) and keys that cannot be
 * fetched are KeysUnavailable (503 with Retry-After); the keys are fetched with a timeout and cached.
 *
 * What a valid channel token is (as botbuilder's ChannelValidation checks it): signed RS256/384/512 by a key the
 * Bot Framework's OpenID metadata lists (and that key endorses the activity's channel when it lists endorsements),
 * issued by https://api.botframework.com, for this bot's app id, with `exp` in the future and `nbf` (if any) in the
 * past, allowing five minutes of clock skew, and naming the activity's serviceUrl in its `serviceurl` claim.
 */
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { getLogger } from '../logging/logger';
import { BotError } from '../tenant/errors';

const log = getLogger('app.tokens');

export class TokenRejected extends BotError {
  constructor(readonly reason: string) {
    super('request.tokenRejected', `token rejected: ${reason}`);
    this.name = 'TokenRejected';
  }
}

export class KeysUnavailable extends BotError {
  constructor(readonly retryAfterSeconds: number) {
    super('request.signingKeysUnavailable', 'the Bot Framework signing keys cannot be fetched');
    this.name = 'KeysUnavailable';
  }
}

export const BOT_FRAMEWORK_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

export interface BotTokenValidatorOptions {
  appId: string;
  metadataUrl?: string;
  issuer?: string;
  /** Each of the two fetches (metadata, then keys) gives up after this long. */
  fetchTimeoutMs?: number;
  /** Keys are fetched again after this long (a key rolled over meanwhile is found through an unknown kid). */
  refreshAfterMs?: number;
  /** An unknown kid fetches the keys again at most this often, so forged kids cannot make us hammer the endpoint. */
  unknownKidRefetchMs?: number;
  now?: () => number;
}

export interface ValidatedToken {
  claims: Record<string, unknown>;
}

interface SigningKey {
  key: KeyObject;
  endorsements?: string[];
}

const ALGORITHMS: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };
const CLOCK_SKEW_SECONDS = 5 * 60;
/** Real channel tokens are about 1.5 KB; anything much larger is not one and is refused before any decoding. */
const MAX_TOKEN_LENGTH = 16 * 1024;

function decodePart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new TokenRejected(`the ${what} is not base64url JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new TokenRejected(`the ${what} is not an object`);
  return value as Record<string, unknown>;
}

async function fetchJson(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = (await response.json()) as unknown;
  if (!body || typeof body !== 'object') throw new Error('not a JSON object');
  return body as Record<string, unknown>;
}

export class BotTokenValidator {
  private readonly metadataUrl: string;
  private readonly issuer: string;
  private readonly fetchTimeoutMs: number;
  private readonly refreshAfterMs: number;
  private readonly unknownKidRefetchMs: number;
  private readonly now: () => number;
  private keys: Map<string, SigningKey> | undefined;
  private fetchedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: BotTokenValidatorOptions) {
    this.metadataUrl = options.metadataUrl ?? BOT_FRAMEWORK_METADATA_URL;
    this.issuer = options.issuer ?? BOT_FRAMEWORK_ISSUER;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 5_000;
    this.refreshAfterMs = options.refreshAfterMs ?? 24 * 3600_000;
    this.unknownKidRefetchMs = options.unknownKidRefetchMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Validates an `Authorization` header value. The activity's channelId and serviceUrl are checked when given
   * (the server checks the header before reading the body, then again with the activity); a null serviceUrl is
   * not checked (botbuilder passes null for requests that carry no activity).
   */
  async validate(
    authorization: string | undefined,
    activity?: { channelId?: string | null; serviceUrl?: string | null },
  ): Promise<ValidatedToken> {
    const match = /^Bearer\s+(\S+)$/i.exec((authorization ?? '').trim());
    if (!match) throw new TokenRejected('no bearer token');
    const token = match[1]!;
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejected('the token is too long');
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
      throw new TokenRejected('not a signed JWT');
    }
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = decodePart(headerPart, 'header');
    const claims = decodePart(payloadPart, 'payload');
    const hash = typeof header.alg === 'string' ? ALGORITHMS[header.alg] : undefined;
    if (!hash) throw new TokenRejected(`algorithm ${String(header.alg).slice(0, 16)} is not allowed`);
    if (typeof header.kid !== 'string' || header.kid === '') throw new TokenRejected('no key id');

    const signingKey = await this.keyFor(header.kid);
    if (!signingKey) throw new TokenRejected('unknown signing key');
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');
    let valid = false;
    try {
      valid = verifySignature(hash, signed, signingKey.key, signature);
    } catch {
      valid = false;
    }
    if (!valid) throw new TokenRejected('bad signature');

    const nowSeconds = Math.floor(this.now() / 1000);
    if (typeof claims.exp !== 'number') throw new TokenRejected('no expiry');
    if (claims.exp + CLOCK_SKEW_SECONDS <= nowSeconds) throw new TokenRejected('expired');
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf - CLOCK_SKEW_SECONDS > nowSeconds)) {
      throw new TokenRejected('not valid yet');
    }
    if (claims.iss !== this.issuer) throw new TokenRejected('wrong issuer');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(this.options.appId)) throw new TokenRejected('wrong audience');

    if (activity) {
      const channelId = activity.channelId ?? '';
      const endorsements = signingKey.endorsements;
      if (channelId.trim() !== '' && endorsements?.length && !endorsements.includes(channelId)) {
        throw new TokenRejected('the key does not endorse this channel');
      }
      if (activity.serviceUrl !== null && claims.serviceurl !== activity.serviceUrl)
        throw new TokenRejected('serviceUrl does not match the token');
    }
    return { claims };
  }

  private async keyFor(kid: string): Promise<SigningKey | undefined> {
    const stale = !this.keys || this.now() - this.fetchedAt > this.refreshAfterMs;
    if (stale) await this.refresh(!this.keys);
    let key = this.keys?.get(kid);
    if (!key && this.now() - this.lastAttemptAt >= this.unknownKidRefetchMs) {
      await this.refresh(false);
      key = this.keys?.get(kid);
    }
    return key;
  }

  /** One fetch at a time; when it fails, cached keys keep serving, and with none the request gets a 503. */
  private async refresh(required: boolean): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => (this.inFlight = undefined));
    try {
      await this.inFlight;
    } catch (error) {
      log.warn({ err: error, metadataUrl: this.metadataUrl }, 'could not fetch the Bot Framework signing keys');
      if (required || !this.keys) throw new KeysUnavailable(30);
    }
  }

  private async fetchKeys(): Promise<void> {
    this.lastAttemptAt = this.now();
    const metadata = await fetchJson(this.metadataUrl, this.fetchTimeoutMs);
    if (typeof metadata.jwks_uri !== 'string') throw new Error('the OpenID metadata has no jwks_uri');
    const jwks = await fetchJson(metadata.jwks_uri, this.fetchTimeoutMs);
    const keys = new Map<string, SigningKey>();
    for (const jwk of Array.isArray(jwks.keys) ? (jwks.keys as Record<string, unknown>[]) : []) {
      if (typeof jwk?.kid !== 'string' || jwk.kty !== 'RSA') continue;
      try {
        const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
        const endorsements = Array.isArray(jwk.endorsements) ? jwk.endorsements.map(String) : undefined;
        keys.set(jwk.kid, { key, endorsements });
      } catch {
        // A key we cannot read is skipped; tokens signed with it are refused as "unknown signing key".
      }
    }
    if (keys.size === 0) throw new Error('the key set has no usable RSA key');
    this.keys = keys;
    this.fetchedAt = this.now();
  }
}
