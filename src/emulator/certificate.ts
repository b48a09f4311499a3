/**
 * The emulator's TLS identity: one self-signed certificate (SAN 127.0.0.1, localhost, ::1) generated at first
 * start into a cert folder and reused after, so that NODE_EXTRA_CA_CERTS can point at a file that stays valid.
 * Several processes may start at once (jest workers, the bot and the CLI): the key and certificate are published
 * by an exclusive hard link of one combined file, so every process ends up serving and trusting the same pair.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import selfsigned from 'selfsigned';

const COMBINED = 'server.pem';
const CA = 'ca.pem';

export interface TlsMaterial {
  key: string;
  cert: string;
  caCertPath: string;
}

export function defaultCertDir(): string {
  return path.resolve(process.env.EMULATOR_CERT_DIR ?? path.join('.data', 'emulator-cert'));
}

/** Makes sure the certificate exists in `certDir`; returns the path of the PEM to trust (NODE_EXTRA_CA_CERTS). */
export async function ensureEmulatorCertificate(certDir: string = defaultCertDir()): Promise<string> {
  return loadOrCreateTls(certDir).caCertPath;
}

export function loadOrCreateTls(certDir: string = defaultCertDir()): TlsMaterial {
  const dir = path.resolve(certDir);
  fs.mkdirSync(dir, { recursive: true });
  const combinedPath = path.join(dir, COMBINED);
  if (!fs.existsSync(combinedPath)) publishNewCertificate(dir, combinedPath);
  const combined = fs.readFileSync(combinedPath, 'utf8');
  const key = pemBlock(combined, 'PRIVATE KEY') ?? pemBlock(combined, 'RSA PRIVATE KEY');
  const cert = pemBlock(combined, 'CERTIFICATE');
  if (!key || !cert) throw new Error(`emulator certificate file is damaged: ${combinedPath} (delete the folder)`);
  const caCertPath = path.join(dir, CA);
  if (!fs.existsSync(caCertPath) || fs.readFileSync(caCertPath, 'utf8') !== cert) writeAtomically(caCertPath, cert);
  return { key, cert, caCertPath };
}

function publishNewCertificate(dir: string, combinedPath: string): void {
  const generated = generateTlsCertificate();
  const temp = path.join(dir, `.${COMBINED}.${process.pid}.${randomUUID()}`);
  fs.writeFileSync(temp, `${generated.key}${generated.cert}`, { mode: 0o600 });
  try {
    fs.linkSync(temp, combinedPath);
  } catch (error) {
    // Another process published first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function generateTlsCertificate(): { key: string; cert: string } {
  const pems = selfSignedCertificate('Connection Ops demo-tenant emulator', 825, [
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
        { type: 2, value: 'localhost' },
      ],
    },
  ]);
  return { key: pems.key, cert: pems.cert };
}

/**
 * A self-signed certificate with an RSA key from node:crypto (node-forge's own key generation is slow).
 * Also used for app-registration certificates (keyCredentials) in the fixture and tests.
 */
export function selfSignedCertificate(
  commonName: string,
  days: number,
  extensions?: object[],
): { key: string; cert: string } {
  type Options = NonNullable<Parameters<typeof selfsigned.generate>[1]> & {
    keyPair: { privateKey: string; publicKey: string };
  };
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const pems = selfsigned.generate([{ name: 'commonName', value: commonName }], {
    days,
    algorithm: 'sha256',
    keyPair: { privateKey, publicKey },
    extensions,
  } as Options);
  return { key: privateKey, cert: pems.cert };
}

/**
 * Key material the demo tenant would otherwise generate at every start (an RSA key costs 100-150 ms of CPU, and
 * the chat CLI starts a demo tenant per run): kept in the cert folder beside the TLS certificate, published the same
 * way (exclusive link, so concurrent processes agree), and made again once it is older than `maxAgeDays`.
 */
export function cachedPem(name: string, maxAgeDays: number, create: () => string, certDir = defaultCertDir()): string {
  const dir = path.resolve(certDir);
  const file = path.join(dir, `${name}.pem`);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat && Date.now() - stat.mtimeMs < maxAgeDays * 86_400_000) return fs.readFileSync(file, 'utf8');
  fs.mkdirSync(dir, { recursive: true });
  const pem = create();
  const temp = path.join(dir, `.${name}.${process.pid}.${randomUUID()}`);
  fs.writeFileSync(temp, pem, { mode: 0o600 });
  try {
    if (stat) fs.renameSync(temp, file);
    else fs.linkSync(temp, file);
  } catch (error) {
    // Another process published first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fs.readFileSync(file, 'utf8');
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return pem;
}

function pemBlock(text: string, label: string): string | undefined {
  const match = text.match(new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----\\r?\\n?`));
  return match ? match[0].replace(/\r?\n?$/, '\n') : undefined;
}

function writeAtomically(file: string, content: string): void {
  const temp = `${file}.${process.pid}.${randomUUID()}`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}
