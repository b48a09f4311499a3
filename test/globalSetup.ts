/**
 * Jest globalSetup: makes sure the demo-tenant emulator's certificate exists in the fixed folder every emulator
 * started by tests uses, and points NODE_EXTRA_CA_CERTS at it so that worker processes (started after this) trust
 * it from their first line. A run in band (one process) is covered by test/trustEmulatorCertificate.ts.
 */
import * as path from 'node:path';
import { ensureEmulatorCertificate } from '../src/emulator';

export default async function globalSetup(): Promise<void> {
  const certDir = path.resolve(__dirname, '..', '.data', 'emulator-cert');
  process.env.EMULATOR_CERT_DIR = certDir;
  process.env.NODE_EXTRA_CA_CERTS = await ensureEmulatorCertificate(certDir);
}
