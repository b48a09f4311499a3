/**
 * The operations (rotation, share, re-point, handover) as their tests drive them, so each test file says only what
 * it is about:
 * - operationSuite(): a demo-tenant emulator shared by the test file, reset before each test, and a domain context
 *   (the bot's composition on a SQLite store in a temp folder that a "restarted process" reopens, an adjustable
 *   clock, a recording notifier) opened for each test; approvedRepoint() records an approved re-point to advance;
 * - startOperationComposition() and sendRequest(): a whole composition of one test, and a request as people send it
 *   through the card verbs (preview, [Send request], the approver's [Approve]);
 * - deliverAllButLast(), killOnce(), lastDeliveryDies() and restartAfterLeaseLapses(): the job queue's deliveries,
 *   a process that dies at one point of its last one, and the process that takes the abandoned job over;
 * - captured log lines and expectNoSecretLeaks(): everything the secret-hygiene checks scan.
 */
import * as fs from 'node:fs';
import type { Caller } from '../../src/access/caller';
import type { Composition } from '../../src/compose';
import type { ActionResult } from '../../src/app/services';
import type { TenantPortsOptions } from '../../src/clients';
import type { AdjustableClock } from '../../src/clock';
import type { DomainContext } from '../../src/context';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { USERS } from '../../src/emulator/fixture';
import { configureLogging } from '../../src/logging/logger';
import { isDrafted } from '../../src/operations/operationKind';
import { draftRepoint } from '../../src/operations/repoint/repointPlan';
import type { RepointOperation } from '../../src/operations/repoint/repointOperation';
import { insertSaga, newSaga } from '../../src/operations/repoint/repointSaga';
import { MAX_DELIVERIES, type AuditEntry } from '../../src/store/ports';
import type { AppRegistration } from '../../src/tenant/model';
import type { TenantPorts } from '../../src/tenant/ports';
import { actionOf } from '../approvals/cardInspection';
import { cardClicker, type Click } from './cardClicks';
import { waitFor } from './waitFor';
import { techUserSharesSharePointWithBot } from './techUserShare';
import {
  callerFor,
  startTestComposition,
  type DemoUser,
  type RecordingNotifier,
  type TestComposition,
  type TestCompositionOptions,
} from './testComposition';

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

/** Each audit entry as "action:outcome", the form the operation tests compare. */
export function actionsOf(entries: AuditEntry[]): string[] {
  return entries.map((e) => `${e.action}:${e.outcome}`);
}

export interface OperationSuite {
  /** The test file's emulator (started once; reset, faults off, before each test). */
  readonly emulator: RunningEmulator;
  /** The context opened for the current test. */
  readonly oc: OperationsContext;
  /** Opens the current test's context with these settings (instead of the one opened before it, if any). */
  open(env?: Record<string, string>): Promise<OperationsContext>;
}

/**
 * Registers the set-up of a test file on one emulator: before each test the demo tenant reset with no faults, the
 * technical user's SharePoint connection shared with the bot when asked (what the re-point and the handover need),
 * and a context opened (unless each test opens its own with open()); after each, faults off, the tenant's clock back,
 * the context closed.
 */
export function operationSuite(
  options: { techUserSharesSharePoint?: boolean; openBeforeEach?: boolean } = {},
): OperationSuite {
  let emulator: RunningEmulator | undefined;
  let oc: OperationsContext | undefined;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator?.close());
  beforeEach(async () => {
    emulator!.control.reset();
    emulator!.control.setFaults('');
    if (options.techUserSharesSharePoint) await techUserSharesSharePointWithBot(emulator!);
    if (options.openBeforeEach ?? true) oc = await openContext(emulator!);
  });
  afterEach(async () => {
    emulator?.control.setFaults('');
    emulator?.control.setClockOffsetDays(0);
    await oc?.close();
    oc = undefined;
  });
  return {
    get emulator() {
      if (!emulator) throw new Error('the emulator starts in beforeAll: read it inside a test');
      return emulator;
    },
    get oc() {
      if (!oc) throw new Error('no context open: read it inside a test (after open() where each test opens its own)');
      return oc;
    },
    open: async (env) => {
      await oc?.close();
      oc = await openContext(emulator!, env);
      return oc;
    },
  };
}

/** Lynne's re-point of Vendor Management onto D365-App-Registration, drafted and recorded as approved. */
export async function approvedRepoint(
  ctx: DomainContext,
  tenantId: string,
  approvalId: string,
): Promise<RepointOperation> {
  const drafted = await draftRepoint(ctx, callerFor('lynne', tenantId), {
    solutionName: 'Vendor Management',
    target: 'D365-App-Registration',
  });
  if (!isDrafted(drafted)) throw new Error(drafted.text);
  await insertSaga(ctx.store.records, newSaga(approvalId, drafted.operation, new Date().toISOString()));
  return drafted.operation;
}

/**
 * A composition of one test for an operation driven through its cards and jobs: quick tenant retries, and the
 * technical user's SharePoint connection shared with the bot unless the test does its own set-up.
 */
export async function startOperationComposition(
  compose: TestCompositionOptions['compose'] = {},
  options: { techUserSharesSharePoint?: boolean } = { techUserSharesSharePoint: true },
): Promise<TestComposition> {
  const t = await startTestComposition({ compose: { tenantPorts: FAST_TENANT_PORTS, ...compose } });
  if (options.techUserSharesSharePoint) await techUserSharesSharePointWithBot(t.emulator);
  return t;
}

/** What a person asks for through the card verbs, and who approves it. */
export interface OperationRequest {
  requester: DemoUser;
  approver: DemoUser;
  verb: string;
  data: Record<string, unknown>;
}

export const REPOINT_VENDOR_MANAGEMENT: OperationRequest = {
  requester: 'lynne',
  approver: 'alex',
  verb: 'repoint.request',
  data: { solutionName: 'Vendor Management', target: 'D365-App-Registration' },
};

export const HANDOVER_LEE_TO_LYNNE: OperationRequest = {
  requester: 'alex',
  approver: 'lynne',
  verb: 'handover.request',
  data: { userId: USERS.lee.id, toUserId: USERS.lynne.id },
};

export interface SentRequest {
  click: Click;
  requester: Caller;
  approver: Caller;
  approvalId: string;
  /** The key of every copy of the request's card. */
  cardKey: string;
  /** The approver presses [Approve] on their card. */
  approve(): Promise<ActionResult>;
}

/**
 * The requester previews the request and presses [Send request] (justification "Lee left"). With deliver, what each
 * click asks to deliver goes to the recording notifier, as src/app would send it; without, the notifier holds only
 * what the jobs send.
 */
export async function sendRequest(
  t: TestComposition,
  request: OperationRequest,
  options: { deliver: boolean },
): Promise<SentRequest> {
  const click = cardClicker({ ctx: t.ctx, approvals: t.composition.approvals });
  const requester = callerFor(request.requester, t.ctx.tenant.tenantId);
  const approver = callerFor(request.approver, t.ctx.tenant.tenantId);
  const deliver = async (result: ActionResult): Promise<ActionResult> => {
    if (options.deliver) await t.notifier.send(result.notifications ?? []);
    return result;
  };
  const preview = await click(requester, request.verb, request.data);
  const send = actionOf(preview.reply.cards[0], 'Send request');
  const sent = await deliver(await click(requester, send.verb, { ...send.data, justification: 'Lee left' }));
  const toApprover = (sent.notifications ?? []).find((n) => n.toUserId === approver.userId);
  const approve = actionOf(toApprover?.reply.cards[0], 'Approve');
  const approvalId = approve.data.approvalId as string;
  return {
    click,
    requester,
    approver,
    approvalId,
    cardKey: `approval:${approvalId}`,
    approve: async () => deliver(await click(approver, approve.verb, approve.data)),
  };
}

/**
 * Every delivery of the queued job but its last, each one's lease left to lapse on the test's clock (visibilityMs is
 * the job runner's visibility timeout), so the next drain delivers the job again.
 */
export async function deliverAllButLast(t: TestComposition, visibilityMs: number): Promise<void> {
  for (let delivery = 1; delivery < MAX_DELIVERIES; delivery++) {
    await t.composition.jobs.drain();
    t.clock.advance(visibilityMs + 1);
  }
}

/** A job runner's visibility timeout long enough that no heartbeat of a hung delivery fires during a test. */
export const LEASE_OUTLIVES_TEST_MS = 600_000;

/** The job's last delivery starts and dies at the kill's point (the test goes on without it). */
export async function lastDeliveryDies(t: TestComposition, kill: Kill): Promise<void> {
  void t.composition.jobs.drain();
  await waitFor(kill.reached, { timeoutMs: 30_000, what: 'the last delivery to reach the point where it dies' });
}

/**
 * A new process on the same store once the dead one's job and lease have lapsed (visibilityMs is the job runner's
 * visibility timeout), and its pass over the queue; returns the new process's composition.
 */
export async function restartAfterLeaseLapses(t: TestComposition, visibilityMs: number): Promise<Composition> {
  t.clock.advance(visibilityMs + 1);
  const restarted = await t.restart();
  await restarted.jobs.drain();
  return restarted;
}

/** A process killed at one point: the first delivery that reaches it hangs (no answer, no heartbeat). */
export interface Kill {
  /** Await this where the process dies: the first call hangs until release(), later ones go on. */
  here(): Promise<void>;
  /** Whether a delivery has reached the point. */
  reached(): boolean;
  /** Lets the hung delivery go (a test's dead process must end for the test to close; call it in afterEach). */
  release(): void;
}

export function killOnce(): Kill {
  let release = (): void => undefined;
  const hung = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrivals = 0;
  return {
    here: async () => {
      if (arrivals++ === 0) await hung;
    },
    reached: () => arrivals > 0,
    release: () => release(),
  };
}
