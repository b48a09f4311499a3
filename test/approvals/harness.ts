/**
 * A real domain context for approval tests: the demo-tenant emulator, the real clients, a SQLite store in a temp
 * folder, an adjustable clock, the job runner, and a notifier that records what src/app would deliver.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AccessPolicy } from '../../src/access/accessPolicy';
import type { Caller } from '../../src/access/caller';
import { ApprovalsService } from '../../src/approvals/approvalsService';
import type { AdaptiveCard } from '../../src/cards/renderCard';
import type { Notification } from '../../src/cards/reply';
import { createTenantPorts, endpointsFromEmulator } from '../../src/clients';
import { AdjustableClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import type { DomainContext, Notifier } from '../../src/context';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { JobRunner } from '../../src/jobs/jobRunner';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore';
import type { AuditEntry } from '../../src/store/ports';
import { emulatorCredential } from '../../src/clients/credentials';
import type { ActionResult } from '../../src/app/services';
import { cardClicker } from '../support/cardClicks';

export const TENANT_ID = '00000000-0000-0000-0000-0000000000001';
export const USERS = {
  alex: { userId: '00000000-0000-0000-0000-0000000000020', displayName: 'Alex Wilber' },
  megan: { userId: '00000000-0000-0000-0000-0000000000021', displayName: 'Megan Bowen' },
  adele: { userId: '00000000-0000-0000-0000-0000000000022', displayName: 'Adele Vance' },
  isaiah: { userId: '00000000-0000-0000-0000-0000000000023', displayName: 'Isaiah Langer' },
  patti: { userId: '00000000-0000-0000-0000-0000000000024', displayName: 'Patti Fernandez' },
  lynne: { userId: '00000000-0000-0000-0000-0000000000025', displayName: 'Lynne Robbins' },
};
export const as = (who: keyof typeof USERS, tenantId = TENANT_ID): Caller => ({ ...USERS[who], tenantId });

export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async send(notifications: Notification[]): Promise<void> {
    this.sent.push(...notifications);
  }
  /** The latest card each person holds under a key, as src/app would show it after in-place updates. */
  latestCard(userId: string, cardKey: string): AdaptiveCard | undefined {
    const mine = this.sent.filter((n) => n.toUserId === userId && n.cardKey === cardKey);
    return mine[mine.length - 1]?.reply.cards[0];
  }
  textsTo(userId: string): string[] {
    return this.sent.filter((n) => n.toUserId === userId && n.reply.text).map((n) => n.reply.text as string);
  }
}

export interface Harness {
  emulator: RunningEmulator;
  ctx: DomainContext;
  clock: AdjustableClock;
  notifier: RecordingNotifier;
  jobs: JobRunner;
  service: ApprovalsService;
  /**
   * A card click as src/app handles it (the verb catalogue; Teams sends the inputs merged into the data): the
   * answer, with its notifications delivered.
   */
  click(
    caller: Caller,
    verb: string,
    data: Record<string, unknown>,
    inputs?: Record<string, unknown>,
  ): Promise<ActionResult & { notifications: Notification[] }>;
  audit(): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const emulator = await startEmulator({ port: 0 });
  const info = emulator.info;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'approvals-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    STORAGE: 'sqlite',
    DATA_DIR: dir,
    OLD_SECRET_GRACE_HOURS: '0',
    ...env,
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
  const jobs = new JobRunner(ctx, { visibilityTimeoutMs: 5_000 });
  const service = new ApprovalsService(ctx, jobs);
  const click = cardClicker({ ctx, approvals: service });
  return {
    emulator,
    ctx,
    clock,
    notifier,
    jobs,
    service,
    click: async (caller, verb, data, inputs = {}) => {
      const result = await click(caller, verb, { ...data, ...inputs });
      const notifications = result.notifications ?? [];
      if (notifications.length) await notifier.send(notifications);
      return { ...result, notifications };
    },
    audit: async () => {
      const out: AuditEntry[] = [];
      for await (const entry of store.audit.list()) out.push(entry);
      return out;
    },
    close: async () => {
      await jobs.stop();
      await store.close();
      await emulator.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { actionOf, cardText, inputIds } from './cardInspection';
