/**
 * A real domain context for operations tests: the demo-tenant emulator (one per test file, reset per test), the
 * real clients, a SQLite store in a temp folder (re-openable as a "restarted process" on the same file), an
 * adjustable clock, a notifier that records, and captured log lines — everything the secret-hygiene checks scan.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AccessPolicy } from '../../src/access/accessPolicy';
import type { Notification } from '../../src/cards/reply';
import { createTenantPorts, endpointsFromEmulator } from '../../src/clients';
import { AdjustableClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import type { DomainContext, Notifier } from '../../src/context';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { configureLogging } from '../../src/logging/logger';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore';
import type { AuditEntry, Store } from '../../src/store/ports';
import type { AppRegistration } from '../../src/tenant/model';
import type { TenantPorts } from '../../src/tenant/ports';
import { emulatorCredential } from '../../src/clients/credentials';

export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async send(notifications: Notification[]): Promise<void> {
    this.sent.push(...notifications);
  }
}

/** Every log line written while the tests run (the logger scrubs registered secrets; we check it did). */
export const logLines: string[] = [];
configureLogging({ level: 'debug', target: { write: (line: string) => void logLines.push(line) } });

export async function startTestEmulator(): Promise<RunningEmulator> {
  return startEmulator({ port: 0 });
}

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

export function tenantPortsFor(emulator: RunningEmulator): TenantPorts {
  const info = emulator.info;
  const credential = emulatorCredential(info);
  // Small retry budgets keep the fault tests quick; the behaviour under test is the saga's, not the client's.
  // With the bot's client id, so the rotation can check its own role on a connection (ports.self).
  return createTenantPorts({ ...endpointsFromEmulator(info), clientId: info.clientId }, credential, {
    retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50, maxTotalMs: 2_000 },
    timeoutMs: 5_000,
    keyVaultMaxRetries: 0,
  });
}

export async function openContext(
  emulator: RunningEmulator,
  env: Record<string, string> = {},
): Promise<OperationsContext> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operations-'));
  const storeFile = path.join(dir, 'store.sqlite');
  const config = loadConfig({
    NODE_ENV: 'test',
    STORAGE: 'sqlite',
    DATA_DIR: dir,
    OLD_SECRET_GRACE_HOURS: '0',
    ...env,
  });
  const clock = new AdjustableClock();
  const notifier = new RecordingNotifier();
  const stores: Store[] = [];

  const build = (): DomainContext => {
    const store = openSqliteStore({ file: storeFile });
    stores.push(store);
    const tenant = tenantPortsFor(emulator);
    const access = new AccessPolicy(tenant.directory, {
      adminsGroup: config.ADMINS_GROUP,
      approversGroup: config.APPROVERS_GROUP,
      tenantId: emulator.info.tenantId,
    });
    return { config, tenant, store, access, clock, notifier };
  };
  const ctx = build();
  return {
    ctx,
    dir,
    storeFile,
    clock,
    notifier,
    restart: async () => build(),
    audit: async () => {
      const out: AuditEntry[] = [];
      for await (const entry of ctx.store.audit.list()) out.push(entry);
      return out;
    },
    close: async () => {
      for (const store of stores) await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
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
