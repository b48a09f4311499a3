/**
 * A loopback stand-in for the Bot Framework's OpenID metadata and signing keys, as botbuilder's own tests do:
 * the adapter is pointed at it (ToBotFromChannelOpenIdMetadataUrl) and tokens are minted with its key, or with a
 * stranger's key, a wrong audience, a wrong issuer or an expired lifetime, to check that only the real thing passes.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

export interface TokenIssuer {
  metadataUrl: string;
  mint(claims: {
    audience: string;
    serviceUrl: string;
    issuer?: string;
    expiresInSeconds?: number;
    stranger?: boolean;
  }): string;
  /** The trusted signing key (to forge tokens that are signed right but wrong in another way). */
  trusted: { privateKey: KeyObject; publicKey: KeyObject; kid: string };
  /** How many times the metadata document was fetched (keys must be cached). */
  metadataRequests(): number;
  close(): Promise<void>;
}

function newKey(): { privateKey: KeyObject; publicKey: KeyObject; kid: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey, kid: randomUUID() };
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const trusted = newKey();
  const stranger = newKey();
  let metadataRequests = 0;
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      metadataRequests++;
      res.end(JSON.stringify({ issuer: BOT_FRAMEWORK_ISSUER, jwks_uri: `${base}/v1/.well-known/keys` }));
    } else if (req.url === '/v1/.well-known/keys') {
      const jwk = trusted.publicKey.export({ format: 'jwk' });
      res.end(JSON.stringify({ keys: [{ ...jwk, kid: trusted.kid, use: 'sig', kty: 'RSA' }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    metadataUrl: `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`,
    mint: ({ audience, serviceUrl, issuer, expiresInSeconds, stranger: useStranger }) => {
      const key = useStranger ? stranger : trusted;
      const now = Math.floor(Date.now() / 1000);
      const exp = now + (expiresInSeconds ?? 3600);
      return jwt.sign(
        { serviceurl: serviceUrl, iat: Math.min(now, exp - 60), nbf: Math.min(now, exp - 60), exp },
        key.privateKey,
        { algorithm: 'RS256', keyid: key.kid, audience, issuer: issuer ?? BOT_FRAMEWORK_ISSUER, noTimestamp: true },
      );
    },
    trusted,
    metadataRequests: () => metadataRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
