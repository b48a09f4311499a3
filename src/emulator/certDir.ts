/**
 * Where the demo tenant's self-signed certificate lives; processes trust it through NODE_EXTRA_CA_CERTS. A module of
 * its own so that launchers can find it without loading the bot (see scripts/runBuilt.js).
 */
import * as path from 'node:path';

export function emulatorCertDir(): string {
  return path.resolve(process.env.EMULATOR_CERT_DIR ?? path.join('.data', 'emulator-cert'));
}
