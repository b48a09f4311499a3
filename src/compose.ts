/**
 * The composition root: builds every part of the bot from the validated config. The server, `npm run dev`, the
 * chat CLI, the scanner and the tests all call compose(); none of them wires things by hand. In demo mode (no
 * TENANT_ID) it starts the built-in demo-tenant emulator in-process and points the clients at it, or uses the one
 * EMULATOR_INFO names (an emulator in its own process, shared by several bot processes).
 */
import { AccessPolicy } from './access/accessPolicy';
import type { Caller } from './access/caller';
import { ApprovalsService } from './approvals/approvalsService';
import { renderCard } from './cards/renderCard';
import type { Reply } from './cards/reply';
import { AdjustableClock, systemClock, type Clock } from './clock';
import type { TenantPortsOptions } from './clients';
import { tenantPortsFor } from './clients/tenantPortsFor';
import type { Config } from './config';
import { ConnectionsService } from './connections/connectionsService';
import { ImpactService } from './connections/impact/impactService';
import { secretsHeldByConnections } from './operations/rotation/secretsHeld';
import type { DomainContext, Notifier } from './context';
import { DeferredDelivery } from './deferredDelivery';
import { NotificationsService, type NotificationsOptions } from './notifications/notificationsService';
import { scanInWorker } from './notifications/scan/scanInWorker';
import { scanWorkerFor } from './composeScanWorker';
import { emulatorCertDir } from './emulator/certDir';
import { buildTenantIndex } from './connections/tenantIndexBuilder';
import { TenantIndexSource } from './connections/tenantIndexSource';
import { ProactiveDelivery } from './app/proactiveDelivery';
import type { ProactiveNotifier } from './app/proactiveNotifier';
import { startEmulator, type RunningEmulator } from './emulator';
import { InMemoryJobQueue } from './jobs/inMemoryJobQueue';
import { JobRunner, type JobRunnerOptions } from './jobs/jobRunner';
import { answerCardData, createAnswerer, loadKnowledgeBase, type Answerer, type KnowledgeAnswer } from './knowledge';
import { retrieverFromAnswerer } from './app/planner/knowledgeDataSource';
import { selectPlanner } from './app/planner/llmPlanner';
import { getLogger } from './logging/logger';
import type { OperationKind } from './operations/operationKind';
import { builtInOperations } from './operations/registry';
import type { HandoverOptions } from './operations/handover/handoverOptions';
import type { RepointOptions } from './operations/repoint/repointOptions';
import type { RotationOptions } from './operations/rotation';
import { openStore } from './store';
import type { Store } from './store/ports';
import type { BotServices, KnowledgeService } from './app/services';

const log = getLogger('compose');

export interface ComposeOptions {
  /** Reuse a running emulator (tests, several bot instances on one demo tenant). */
  emulator?: RunningEmulator;
  /** Reuse an opened store. */
  store?: Store;
  clock?: Clock;
  /**
   * Where the domain's notifications go instead of the outbox. Domain tests record them here, to check what the
   * domain asked to deliver without going through delivery.
   */
  notifier?: Notifier;
  /** Reuse a knowledge answerer (it takes a few hundred ms to build; tests compose many bots in one process). */
  answerer?: Answerer;
  /**
   * Start the background workers — job runner, scan schedule, notification outbox (the server does; the chat
   * CLI drains them after each input instead).
   */
  startJobs?: boolean;
  /**
   * HTTP timeouts, retry budget and concurrency of the tenant clients (default: the clients' own). The reliability
   * tests shorten them so that a timeout storm costs seconds, not the production minute.
   */
  tenantPorts?: TenantPortsOptions;
  /** Keep this process's jobs in a queue in memory instead of the store's (the scan CLI). */
  inMemoryJobs?: boolean;
  /** Job runner settings (tests shorten the visibility timeout after which a failed job is tried again). */
  jobRunner?: JobRunnerOptions;
  /**
   * Rotation saga settings (default: 2 min lease, 60 s verification). Tests shorten the lease so that another
   * instance takes over a killed instance's rotation within seconds.
   */
  rotation?: RotationOptions;
  /** Handover run settings (tests stop a run at a chosen step, as a killed process would). */
  handover?: HandoverOptions;
  /** Re-point job settings (tests shorten its lease and stop it at chosen points). */
  repoint?: RepointOptions;
  /** Operation kinds to approve and run besides the built-in ones (src/operations/registry.ts). */
  operations?: OperationKind[];
  /**
   * Notifications settings; `limiter` defaults to Teams' limits. A test about something else than delivery may lift
   * them (its in-process adapter is not Teams), so a hundred cards to one person do not take minutes.
   */
  notifications?: NotificationsOptions;
}

export interface Composition {
  config: Config;
  ctx: DomainContext;
  services: BotServices;
  jobs: JobRunner;
  approvals: ApprovalsService;
  notifications: NotificationsService;
  /** Who owns what in the tenant, for per-user views (kept by scans; see TenantIndexSource). */
  tenantIndex: TenantIndexSource;
  emulator?: RunningEmulator;
  /** Connects the outbox to the bot's proactive messages once the adapter exists (and delivers what waits). */
  attachNotifier(notifier: ProactiveNotifier): void;
  /** `workers`: whether this process runs the job runner, the scan schedule and the outbox (a server must). */
  readiness(): Promise<{ ready: boolean; store: string; tenant: string; workers: string; tenantIndex: string }>;
  close(): Promise<void>;
}

/** Where the demo tenant's self-signed certificate lives (re-exported: callers import it from here). */
export { emulatorCertDir } from './emulator/certDir';

export async function compose(config: Config, options: ComposeOptions = {}): Promise<Composition> {
  // A demo tenant running in another process (EMULATOR_INFO) is used as it is: several bots share it.
  const external = config.demoMode && !options.emulator ? config.EMULATOR_INFO : undefined;
  const ownsEmulator = config.demoMode && !options.emulator && !external;
  const emulator =
    options.emulator ??
    (ownsEmulator
      ? await startEmulator({
          port: 0,
          certDir: emulatorCertDir(),
          latencyMs: config.EMULATOR_LATENCY_MS,
          faults: config.EMULATOR_FAULTS,
        })
      : undefined);
  if (config.demoMode) log.info('demo mode: using the built-in demo tenant (set TENANT_ID to manage a real tenant)');

  const emulatorInfo = emulator?.info ?? external;
  const clock = options.clock ?? (config.demoMode ? new AdjustableClock() : systemClock);
  // The store's queue and leases keep the bot's time, so a test that moves the clock moves them too.
  const store = options.store ?? (await openStore(config, { clock }));
  const { tenant, tenantId } = tenantPortsFor(config, emulatorInfo, options.tenantPorts);
  // Every notification goes into the persistent, rate-limited outbox (the notifications service owns it; it is
  // built below, from this ctx), which delivers once the bot adapter is attached (DeferredDelivery).
  const notifier: Notifier = options.notifier ?? { send: (list) => notifications.notifier.send(list) };
  const delivery = new DeferredDelivery();
  const access = new AccessPolicy(tenant.directory, {
    adminsGroup: config.ADMINS_GROUP,
    approversGroup: config.APPROVERS_GROUP,
    tenantId,
  });
  const ctx: DomainContext = { config, tenant, store, access, clock, notifier };

  const answerer = options.answerer ?? createAnswerer(loadKnowledgeBase());
  // The scan CLI keeps its jobs in memory: its scan is a job like the bot's, but no running bot may take it.
  const jobQueue = options.inMemoryJobs ? new InMemoryJobQueue(clock) : store.jobs;
  // The leases keep one instance at a time on a job abandoned by a dead process (JobRunner.recoverAbandoned).
  const jobs = new JobRunner(
    { store: { jobs: jobQueue, audit: store.audit, leases: store.leases } },
    options.jobRunner,
  );
  // Per-user views look the caller's items up in the tenant index (kept by each scan, built in the background when
  // an instance has none) and read live only what they show.
  const tenantIndex = new TenantIndexSource((now) => buildTenantIndex(tenant, now), clock, {
    autoBuild: options.startJobs === true,
  });
  const connections = new ConnectionsService(ctx, { index: tenantIndex });
  const operations = builtInOperations({
    rotation: options.rotation,
    handover: options.handover,
    repoint: options.repoint,
  }).with(...(options.operations ?? []));
  const approvals = new ApprovalsService(ctx, jobs, operations);
  const impact = new ImpactService(ctx, {
    index: tenantIndex,
    operationAvailable: (kind) => operations.all().some((operation) => operation.kind === kind),
    secretsHeld: (appObjectId) => secretsHeldByConnections(store.records, appObjectId),
  });
  // Scans run in a worker thread, so that a big tenant's scan does not hold chat turns back.
  const scanThread = scanWorkerFor({
    config,
    emulatorInfo,
    tenantPorts: options.tenantPorts,
    trustCaPath: emulator?.info.caCertPath,
  });
  const notifications = new NotificationsService(ctx, delivery, jobs, {
    scan: async (scanOptions) => {
      const scan = await scanInWorker(scanThread, scanOptions);
      const index = scan.encodedIndex ?? scan.index;
      if (index) void tenantIndex.replace(index);
      return scan;
    },
    ...options.notifications,
  });
  const services: BotServices = {
    ctx,
    knowledge: createKnowledgeService(answerer),
    llmPlanner: selectPlanner<KnowledgeAnswer>(config, {
      retrieve: retrieverFromAnswerer(answerer),
    }),
    connections,
    impact,
    approvals,
    notifications,
    namesSnapshot: () => {
      const index = tenantIndex.current();
      return index && { ...index.data, takenAt: index.takenAt };
    },
    background: {
      // Jobs (scans too), then the outbox: the cards and notes they queued are delivered before it ends.
      drain: async () => {
        await jobs.drain();
        await notifications.drainDeliveries();
      },
    },
  };
  if (options.startJobs) {
    void tenantIndex.refresh();
    jobs.start();
    notifications.startSchedule();
  }
  const workers = options.startJobs ? 'running' : 'not started';

  return {
    config,
    ctx,
    services,
    jobs,
    approvals,
    notifications,
    tenantIndex,
    emulator,
    attachNotifier: (target) => {
      delivery.attach(new ProactiveDelivery(target));
      // What was queued before (or by an earlier run on the same store) goes out now.
      notifications.outbox.kick();
    },
    readiness: async () => {
      const storeOk = await store.ping().then(
        () => 'ok',
        (error: Error) => `unreachable: ${error.message}`,
      );
      const tenantOk = await tenant.directory.findGroupByName(config.ADMINS_GROUP).then(
        () => 'ok',
        (error: Error) => `unreachable: ${error.message}`,
      );
      // Not part of `ready`: without the index per-user turns still answer, by listing the tenant.
      const indexState = tenantIndex.peek() ? 'ready' : 'building';
      return {
        ready: storeOk === 'ok' && tenantOk === 'ok',
        store: storeOk,
        tenant: tenantOk,
        workers,
        tenantIndex: indexState,
      };
    },
    close: async () => {
      notifications.stopSchedule();
      await notifications.outbox.stop();
      await jobs.stop();
      await tenantIndex.whenIdle();
      if (!options.store) await store.close();
      if (ownsEmulator) await emulator?.close();
    },
  };
}

function createKnowledgeService(answerer: Answerer): KnowledgeService {
  return {
    ask: async (_caller: Caller, question: string): Promise<Reply> => {
      const answer = answerer.answer(question);
      const card = renderCard(answer.confident ? 'answer' : 'notSure', answerCardData(answer));
      return { cards: [card] };
    },
  };
}
