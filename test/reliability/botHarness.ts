/**
 * The whole bot, in-process, on its own demo-tenant emulator, for the reliability suite: compose() with a SQLite
 * store in a temp folder and a ChatSession that people talk to as in Teams. Tenant clients get short timeouts and
 * a small retry budget so a timeout or throttling storm costs seconds per turn (production keeps the clients'
 * defaults); everything else is the production wiring.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSession, type ChatTurn, type ChatUser } from '../../src/app/chatSession';
import { compose, type Composition } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { startEmulator, type RunningEmulator, type StartOptions } from '../../src/emulator';
import type { Approval } from '../../src/approvals/approvalRecord';
import type { Rotation } from '../../src/operations/rotation/rotation';
import type { AuditEntry } from '../../src/store/ports';

export const UPNS = {
  alex: 'alexw@example.com',
  megan: 'meganb@example.com',
  adele: 'adelev@example.com',
  isaiah: 'isaiah@example.com',
} as const;
export type Person = keyof typeof UPNS;

/** Short per-attempt timeout and retry budget (the production defaults are 30 s and 60 s). */
export const FAST_CLIENTS = {
  timeoutMs: 1_000,
  retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200, maxTotalMs: 2_500 },
  keyVaultMaxRetries: 0,
};

/** A failed job is handed out again after this long (production: 60 s). */
export const JOB_VISIBILITY_MS = 300;

export interface BotHarness {
  emulator: RunningEmulator;
  composition: Composition;
  session: ChatSession;
  /** The SQLite store's folder. */
  dataDir: string;
  user(who: Person): ChatUser;
  say(who: Person, text: string): Promise<ChatTurn>;
  click(who: Person, title: string, inputs?: Record<string, unknown>): Promise<ChatTurn>;
  approvals(): Promise<Approval[]>;
  rotations(): Promise<Rotation[]>;
  audit(): Promise<AuditEntry[]>;
  /** Jobs still visible in the queue (received with a 1 ms lease, so they come back at once) and poisoned ones. */
  leftoverJobs(): Promise<{ visible: number; poison: number }>;
  /**
   * Runs the job queue until no approval is approved or running any more (a job that failed on a transient fault is
   * retried after JOB_VISIBILITY_MS), at most `rounds` times.
   */
  settle(rounds?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startBot(
  options: { env?: Record<string, string>; emulator?: StartOptions } = {},
): Promise<BotHarness> {
  const emulator = await startEmulator({ port: 0, ...options.emulator });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    STORAGE: 'sqlite',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    OLD_SECRET_GRACE_HOURS: '0',
    ...options.env,
  });
  const composition = await compose(config, {
    emulator,
    tenantPorts: FAST_CLIENTS,
    jobRunner: { visibilityTimeoutMs: JOB_VISIBILITY_MS },
  });
  const session = new ChatSession(composition);
  const users = new Map<Person, ChatUser>();
  for (const who of Object.keys(UPNS) as Person[]) {
    const found = await composition.ctx.tenant.directory.getUser(UPNS[who]);
    if (!found) throw new Error(`demo user ${UPNS[who]} missing`);
    users.set(who, { id: found.id, displayName: found.displayName, userPrincipalName: found.userPrincipalName });
  }
  const user = (who: Person): ChatUser => users.get(who) as ChatUser;
  const list = async <T>(collection: string): Promise<T[]> => {
    const out: T[] = [];
    for await (const r of composition.ctx.store.records.list<T>(collection)) out.push(r.value);
    return out;
  };
  return {
    emulator,
    composition,
    session,
    dataDir,
    user,
    say: (who, text) => session.say(user(who), text),
    click: (who, title, inputs) => session.click(user(who), title, inputs),
    approvals: () => list<Approval>('approvals'),
    rotations: () => list<Rotation>('rotations'),
    audit: async () => {
      const out: AuditEntry[] = [];
      for await (const entry of composition.ctx.store.audit.list()) out.push(entry);
      return out;
    },
    leftoverJobs: async () => {
      const jobs = composition.ctx.store.jobs;
      const visible = await jobs.receive({ max: 32, visibilityTimeoutMs: 1 });
      return { visible: visible.length, poison: (await jobs.listPoison()).length };
    },
    settle: async (rounds = 20) => {
      for (let i = 0; i < rounds; i++) {
        await composition.services.background.drain();
        const open = (await list<Approval>('approvals')).filter((a) => a.state === 'approved' || a.state === 'running');
        if (!open.length) return;
        await new Promise((resolve) => setTimeout(resolve, JOB_VISIBILITY_MS + 50));
      }
    },
    close: async () => {
      await composition.close();
      await emulator.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Everything a person would read in a turn (texts and card JSON), quotes unescaped. */
export function said(turn: ChatTurn | ChatTurn['replies']): string {
  return JSON.stringify(turn).replace(/\\"/g, '"');
}

/** Signs that internals leaked into what people read. */
export const STACK_TRACE =
  /\n\s+at [\w.<>]+ \(|TypeError|ReferenceError|ECONNRESET|socket hang up|\bundefined\b|\[object Object\]/;
