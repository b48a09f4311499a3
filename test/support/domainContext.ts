/**
 * A real DomainContext for domain tests: the demo-tenant emulator over HTTPS, the real clients, the access policy,
 * a SQLite store in a temp folder, an adjustable clock and a notifier that records what src/app would deliver.
 * One per test file (beforeAll) keeps suites fast; `reset()` gives a fresh fixture between tests that change it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AccessPolicy } from '../../src/access/accessPolicy';
import type { Caller } from '../../src/access/caller';
import type { Notification } from '../../src/cards/reply';
import { createTenantPorts, endpointsFromEmulator } from '../../src/clients';
import { AdjustableClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import type { DomainContext, Notifier } from '../../src/context';
import { startEmulator, type RunningEmulator, type StartOptions } from '../../src/emulator';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore';
import { emulatorCredential } from '../../src/clients/credentials';

/** The demo tenant's personas (ids from shared/demo-tenant.md, the Agents Playground's mock users). */
export const DEMO_TENANT_ID = '00000000-0000-0000-0000-0000000000001';
export const PERSONAS = {
  alex: { userId: '00000000-0000-0000-0000-0000000000020', displayName: 'Alex Wilber' },
  megan: { userId: '00000000-0000-0000-0000-0000000000021', displayName: 'Megan Bowen' },
  adele: { userId: '00000000-0000-0000-0000-0000000000022', displayName: 'Adele Vance' },
  isaiah: { userId: '00000000-0000-0000-0000-0000000000023', displayName: 'Isaiah Langer' },
  patti: { userId: '00000000-0000-0000-0000-0000000000024', displayName: 'Patti Fernandez' },
  lynne: { userId: '00000000-0000-0000-0000-0000000000025', displayName: 'Lynne Robbins' },
  lee: { userId: '00000000-0000-0000-0000-0000000000026', displayName: 'Lee Gu' },
} as const;
export type Persona = keyof typeof PERSONAS;

export const callerFor = (who: Persona, tenantId = DEMO_TENANT_ID): Caller => ({ ...PERSONAS[who], tenantId });

export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async send(notifications: Notification[]): Promise<void> {
    this.sent.push(...notifications);
  }
}

export interface TestDomain {
  emulator: RunningEmulator;
  ctx: DomainContext;
  clock: AdjustableClock;
  notifier: RecordingNotifier;
  /** Temp folder holding the SQLite store; removed by close(). */
  dir: string;
  close(): Promise<void>;
}

export async function startTestDomain(
  options: { env?: Record<string, string>; emulator?: StartOptions } = {},
): Promise<TestDomain> {
  const emulator = await startEmulator({ port: 0, ...options.emulator });
  const info = emulator.info;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'domain-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    STORAGE: 'sqlite',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const store = openSqliteStore({ file: path.join(dir, 'store.sqlite') });
  const credential = emulatorCredential(info);
  const tenant = createTenantPorts(endpointsFromEmulator(info), credential);
  const clock = new AdjustableClock();
  const notifier = new RecordingNotifier();
  const access = new AccessPolicy(tenant.directory, {
    adminsGroup: config.ADMINS_GROUP,
    approversGroup: config.APPROVERS_GROUP,
    tenantId: info.tenantId,
  });
  const ctx: DomainContext = { config, tenant, store, access, clock, notifier };
  return {
    emulator,
    ctx,
    clock,
    notifier,
    dir,
    close: async () => {
      await store.close();
      await emulator.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
