/**
 * Secret and certificate material for app registrations: Graph-like client secrets (40 characters, the first three
 * being the `hint`), and certificate thumbprints as JWT headers carry them (x5t = base64url SHA-1, x5t#S256).
 */
import { createHash, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import type { EmuKeyCredential, EmuPasswordCredential } from './tenantState';

const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-';

/** A random client secret of `length` characters (Graph issues 40). */
export function newSecretText(length = 40): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += SECRET_ALPHABET[bytes[i] % SECRET_ALPHABET.length];
  return out;
}

export function newPasswordCredential(options: {
  displayName: string | null;
  start: Date;
  end: Date;
  secret?: string;
  usableFromMs?: number;
  keyId?: string;
}): EmuPasswordCredential {
  const secret = options.secret ?? newSecretText();
  return {
    keyId: options.keyId ?? randomUUID(),
    displayName: options.displayName,
    startDateTime: options.start.toISOString(),
    endDateTime: options.end.toISOString(),
    hint: secret.slice(0, 3),
    secret,
    usableFromMs: options.usableFromMs ?? 0,
  };
}

export function newKeyCredential(options: {
  displayName: string;
  certificatePem: string;
  start: Date;
  end: Date;
}): EmuKeyCredential {
  const der = new X509Certificate(options.certificatePem).raw;
  return {
    keyId: randomUUID(),
    displayName: options.displayName,
    startDateTime: options.start.toISOString(),
    endDateTime: options.end.toISOString(),
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    certificatePem: options.certificatePem,
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
  };
}
