/**
 * Trusts one more certificate authority in this thread's TLS contexts (those made without a `ca` of their own), as
 * NODE_EXTRA_CA_CERTS does for a whole process. For the demo tenant's self-signed certificate in a worker thread:
 * a process reads NODE_EXTRA_CA_CERTS once, at start-up, so a process that came to trust the demo tenant later
 * (a test runner that trusted it in-process) would start threads that do not.
 */
import * as fs from 'node:fs';
import tls from 'node:tls';

const TRUSTED = Symbol.for('connection-ops.thread-trust');

export function trustCertificateAuthority(caPath: string): void {
  const module = tls as typeof tls & { [TRUSTED]?: Set<string> };
  const trusted = (module[TRUSTED] ??= new Set());
  if (trusted.has(caPath) || !fs.existsSync(caPath)) return;
  trusted.add(caPath);
  const pem = fs.readFileSync(caPath, 'utf8');
  const original = tls.createSecureContext;
  (tls as { createSecureContext: typeof tls.createSecureContext }).createSecureContext = (options) => {
    const context = original(options);
    if (!options?.ca) (context.context as { addCACert(pem: string): void }).addCACert(pem);
    return context;
  };
}
