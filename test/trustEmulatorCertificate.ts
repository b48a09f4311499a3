/**
 * Jest setupFiles: when jest runs tests in band (one file, or few fast ones), the test process started before
 * globalSetup set NODE_EXTRA_CA_CERTS, and Node reads that variable only at start-up. This adds the emulator's
 * certificate to every TLS context created without its own `ca` (what NODE_EXTRA_CA_CERTS does), in that case only.
 */
import * as fs from 'node:fs';
// The default import is the module object itself (not an interop copy), so its export can be replaced.
import tls from 'node:tls';

const caPath = process.env.NODE_EXTRA_CA_CERTS;
const patched = Symbol.for('connection-ops.emulator-ca');
const tlsModule = tls as typeof tls & { [patched]?: boolean };

if (caPath && fs.existsSync(caPath) && !tlsModule[patched]) {
  const pem = fs.readFileSync(caPath, 'utf8');
  const original = tls.createSecureContext;
  tlsModule[patched] = true;
  (tls as { createSecureContext: typeof tls.createSecureContext }).createSecureContext = (options) => {
    const context = original(options);
    if (!options?.ca) (context.context as { addCACert(pem: string): void }).addCACert(pem);
    return context;
  };
}
