/**
 * Node reads NODE_EXTRA_CA_CERTS only at start-up, and MSAL / the Azure SDKs refuse plain HTTP, so a process
 * that talks to the demo tenant's HTTPS emulator must start with its certificate trusted. Entry points call
 * runTrustingEmulator(): in demo mode, if the certificate is not trusted yet, it re-runs the same command once
 * with NODE_EXTRA_CA_CERTS set (forwarding signals and the exit code); otherwise it just runs `main`.
 */
import { spawn } from 'node:child_process';
// The certificate's own modules, not the composition root or the emulator: the process that only re-runs itself
// should not load the whole bot first.
import { ensureEmulatorCertificate } from '../emulator/certificate';
import { emulatorCertDir } from '../emulator/certDir';

export async function runTrustingEmulator(main: () => Promise<number | void>): Promise<void> {
  const demoMode = !process.env.TENANT_ID;
  if (demoMode) {
    const caPath = await ensureEmulatorCertificate(emulatorCertDir());
    if (process.env.NODE_EXTRA_CA_CERTS !== caPath) {
      const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
        stdio: 'inherit',
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath },
      });
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
      child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
      return;
    }
  }
  try {
    const code = await main();
    process.exitCode = code ?? 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
