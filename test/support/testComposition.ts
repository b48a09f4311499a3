/**
 * The bot as tests build it: compose() (src/compose.ts), the same wiring as the server and the chat CLI, on a
 * demo-tenant emulator, a SQLite store in a temp folder and an AdjustableClock that the store's queue and leases
 * keep too (tests move it instead of sleeping). What the domain asks to deliver is recorded instead of going
 * through the outbox, so a domain test sees it at once. One per test file (beforeAll) keeps suites fast.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Caller } from '../../src/access/caller';
import type { AdaptiveCard } from '../../src/cards/renderCard';
import type { Notification } from '../../src/cards/reply';
import { AdjustableClock } from '../../src/clock';
import { compose, type ComposeOptions, type Composition } from '../../src/compose';
import { loadConfig } from '../../src/config';
import type { DomainContext, Notifier } from '../../src/context';
import { createAnswerer, loadKnowledgeBase, type Answerer } from '../../src/knowledge';
import { startEmulator, type RunningEmulator, type StartOptions } from '../../src/emulator';
import { TENANT_ID, USERS, type DemoUser } from '../../src/emulator/fixture';
import { SQLITE_FILE_NAME } from '../../src/store';
import type { AuditEntry } from '../../src/store/ports';

export { TENANT_ID, USERS, type DemoUser } from '../../src/emulator/fixture';

/** A demo user as the domain sees the person talking to the bot. */
export const callerFor = (who: DemoUser, tenantId: string = TENANT_ID): Caller => ({
  userId: USERS[who].id,
  displayName: USERS[who].displayName,
  tenantId,
});

/** Records what the domain asks src/app to deliver. */
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

export interface TestCompositionOptions {
  /** Settings on top of the test defaults (SQLite in a temp folder, silent log). */
  env?: Record<string, string>;
  /** A running emulator to use (several compositions on one demo tenant), or how to start a new one. */
  emulator?: RunningEmulator | StartOptions;
  /** compose() options; the emulator, clock and notifier are the test composition's own. */
  compose?: Omit<ComposeOptions, 'emulator' | 'clock' | 'notifier'>;
}

export interface TestComposition {
  composition: Composition;
  ctx: DomainContext;
  emulator: RunningEmulator;
  clock: AdjustableClock;
  notifier: RecordingNotifier;
  /** Temp folder of the SQLite store; removed by close(). */
  dataDir: string;
  /** The SQLite file (its bytes can be searched, e.g. for leaked secrets). */
  storeFile: string;
  /**
   * Another composition on the same store file, emulator, clock and notifier: what a restarted process builds.
   * Closed by close().
   */
  restart(): Promise<Composition>;
  audit(): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

/** Built once per test process: the articles do not change between compositions. */
let sharedAnswerer: Answerer | undefined;

const isRunning = (emulator: TestCompositionOptions['emulator']): emulator is RunningEmulator =>
  emulator !== undefined && 'control' in emulator;

export async function startTestComposition(options: TestCompositionOptions = {}): Promise<TestComposition> {
  const ownsEmulator = !isRunning(options.emulator);
  const emulator = isRunning(options.emulator)
    ? options.emulator
    : await startEmulator({ port: 0, ...options.emulator });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'composition-'));
  const compositions: Composition[] = [];
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      STORAGE: 'sqlite',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...options.env,
    });
    const clock = new AdjustableClock();
    const notifier = new RecordingNotifier();
    const open = async () => {
      sharedAnswerer ??= createAnswerer(loadKnowledgeBase());
      const composition = await compose(config, {
        ...options.compose,
        emulator,
        clock,
        notifier,
        answerer: sharedAnswerer,
      });
      compositions.push(composition);
      return composition;
    };
    const composition = await open();
    return {
      composition,
      ctx: composition.ctx,
      emulator,
      clock,
      notifier,
      dataDir,
      storeFile: path.join(dataDir, SQLITE_FILE_NAME),
      restart: open,
      audit: async () => {
        const out: AuditEntry[] = [];
        for await (const entry of composition.ctx.store.audit.list()) out.push(entry);
        return out;
      },
      close: async () => {
        for (const c of compositions.splice(0)) await c.close();
        if (ownsEmulator) await emulator.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const c of compositions) await c.close().catch(() => undefined);
    if (ownsEmulator) await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
