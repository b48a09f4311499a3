/**
 * The operations domain as tests drive it: the bot's composition (startTestComposition) on a demo-tenant emulator
 * shared by the test file (reset per test), a SQLite store in a temp folder that a "restarted process" reopens,
 * an adjustable clock, a recording notifier, and captured log lines — everything the secret-hygiene checks scan.
 */
import * as fs from 'node:fs';
import type { TenantPortsOptions } from '../../src/clients';
import type { AdjustableClock } from '../../src/clock';
import type { DomainContext } from '../../src/context';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { configureLogging } from '../../src/logging/logger';
import type { AuditEntry } from '../../src/store/ports';
import type { AppRegistration } from '../../src/tenant/model';
import type { TenantPorts } from '../../src/tenant/ports';
import { startTestComposition, type RecordingNotifier } from '../support/testComposition';

/** Every log line written while the tests run (the logger scrubs registered secrets; we check it did). */
export const logLines: string[] = [];
configureLogging({ level: 'debug', target: { write: (line: string) => void logLines.push(line) } });

export async function startTestEmulator(): Promise<RunningEmulator> {
  return startEmulator({ port: 0 });
}

/** Small retry budgets keep the fault tests quick; the behaviour under test is the saga's, not the client's. */
export const FAST_TENANT_PORTS: TenantPortsOptions = {
  retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50, maxTotalMs: 2_000 },
  timeoutMs: 5_000,
  keyVaultMaxRetries: 0,
};

export interface OperationsContext {
  ctx: DomainContext;
  dir: string;
  storeFile: string;
  clock: AdjustableClock;
  notifier: RecordingNotifier;
  /** A second context on the same store file and emulator: what a restarted process would build. */
  restart(): Promise<DomainContext>;
  audit(): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export async function openContext(
  emulator: RunningEmulator,
  env: Record<string, string> = {},
): Promise<OperationsContext> {
  const t = await startTestComposition({
    emulator,
    env: { OLD_SECRET_GRACE_HOURS: '0', ...env },
    compose: { tenantPorts: FAST_TENANT_PORTS },
  });
  return {
    ctx: t.ctx,
    dir: t.dataDir,
    storeFile: t.storeFile,
    clock: t.clock,
    notifier: t.notifier,
    restart: async () => (await t.restart()).ctx,
    audit: t.audit,
    close: t.close,
  };
}

export async function appNamed(tenant: TenantPorts, displayName: string): Promise<AppRegistration> {
  for await (const app of tenant.directory.listApplications()) {
    if (app.displayName === displayName) return tenant.directory.getApplication(app.id);
  }
  throw new Error(`no app named ${displayName} in the demo tenant`);
}

/** The bytes of the SQLite store (main file and write-ahead log), as a latin1 string to search. */
export function storeBytes(storeFile: string): string {
  return ['', '-wal', '-shm']
    .map((suffix) => storeFile + suffix)
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('\n');
}

/** Fails if any secret the emulator ever issued appears in the audit, the store file, the notifications, the logs
 * or the given returned values. */
export async function expectNoSecretLeaks(
  emulator: RunningEmulator,
  oc: OperationsContext,
  returned: unknown[],
): Promise<void> {
  const secrets = emulator.control.issuedSecrets();
  const places: Record<string, string> = {
    audit: JSON.stringify(await oc.audit()),
    store: storeBytes(oc.storeFile),
    notifications: JSON.stringify(oc.notifier.sent),
    logs: logLines.join('\n'),
    returned: JSON.stringify(returned),
  };
  for (const secret of secrets) {
    for (const [place, text] of Object.entries(places)) {
      if (text.includes(secret)) throw new Error(`an issued secret leaked into ${place}`);
    }
  }
}
