/**
 * Access tokens as Entra issues them: RS256 JWTs signed with the emulator's key (published as a JWKS), carrying
 * tid, oid, appid or upn, aud (the resource of the requested scope) and exp. Also verifies client assertions
 * (RS256 or PS256) against an app's registered certificate.
 */
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { cachedPem } from './certificate';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

let processKey: SigningKey | undefined;

/**
 * One signing key, kept in the cert folder and loaded by every process (RSA generation costs 100-150 ms; emulators
 * start often in tests and at every chat CLI run). Its id is derived from the key, so every process agrees on it.
 */
export function signingKey(): SigningKey {
  if (!processKey) {
    const pem = cachedPem('token-signing-key', 365, () =>
      generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    );
    const privateKey = createPrivateKey(pem);
    const publicKey = createPublicKey(privateKey);
    const kid = `emu-${createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex')
      .slice(0, 12)}`;
    processKey = { kid, privateKey, publicKey };
  }
  return processKey;
}

export interface TokenClaims {
  aud: string;
  iss: string;
  tid: string;
  oid: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  /** Client (app) id of the caller; for user tokens the client the user signed in through. */
  appid: string;
  azp?: string;
  idtyp: 'app' | 'user';
  upn?: string;
  name?: string;
  scp?: string;
  roles?: string[];
  ver: '1.0' | '2.0';
}

export function signJwt(payload: object, key: SigningKey = signingKey()): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: key.kid };
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>,
      payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/**
 * Tokens whose signature was already verified, per key: a client sends the same token with every request until it
 * expires, and an RSA verification per request was the emulator's largest cost after serialization in the scan
 * bench. Only good signatures are remembered; the claims (expiry, tenant, audience) are still checked by the caller
 * on every request. Bounded: the map starts over when full.
 */
const verified = new WeakMap<SigningKey, Map<string, TokenClaims>>();
const MAX_VERIFIED = 4096;

/** Verifies an emulator-issued token's signature; claims are checked by the caller. */
export function verifyEmulatorToken(token: string, key: SigningKey = signingKey()): TokenClaims | undefined {
  let known = verified.get(key);
  const hit = known?.get(token);
  if (hit) return hit;
  const claims = verifySignature(token, key);
  if (claims) {
    if (!known || known.size >= MAX_VERIFIED) verified.set(key, (known = new Map()));
    known.set(token, claims);
  }
  return claims;
}

function verifySignature(token: string, key: SigningKey): TokenClaims | undefined {
  const decoded = decodeJwt(token);
  if (!decoded || decoded.header.alg !== 'RS256') return undefined;
  const ok = createVerify('RSA-SHA256').update(decoded.signingInput).verify(key.publicKey, decoded.signature);
  return ok ? (decoded.payload as unknown as TokenClaims) : undefined;
}

/** Verifies a client assertion's signature with a certificate (PEM); RS256 and PS256 as MSAL sends them. */
export function verifyAssertionSignature(decoded: DecodedJwt, certificatePem: string): boolean {
  const publicKey = createPublicKey(certificatePem);
  const alg = decoded.header.alg;
  if (alg === 'RS256') {
    return createVerify('RSA-SHA256').update(decoded.signingInput).verify(publicKey, decoded.signature);
  }
  if (alg === 'PS256') {
    return createVerify('RSA-SHA256')
      .update(decoded.signingInput)
      .verify(
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
        decoded.signature,
      );
  }
  return false;
}

export function jwks(key: SigningKey = signingKey()): { keys: object[] } {
  const jwk = key.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { keys: [{ kty: 'RSA', use: 'sig', kid: key.kid, n: jwk.n, e: jwk.e, alg: 'RS256' }] };
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
