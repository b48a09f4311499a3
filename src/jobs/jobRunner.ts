/**
 * Runs background jobs from the store's JobQueue: privileged operations after an approval, follow-ups of a
 * rotation saga. Delivery is at least once, so every handler must be idempotent: a handler that throws leaves
 * its job in the queue, which hands it out again after the visibility timeout; the queue moves a job that was
 * handed out 5 times to its poison list, and the runner tells the handler's `onGiveUp` on that last attempt so
 * the domain can record a final failure instead of leaving people waiting.
 *
 * `start()` polls (backing off while idle), `stop()` lets in-flight jobs finish, and `drain()` processes until
 * no visible job is left — the chat CLI and tests call it so output is deterministic. Delayed jobs whose time has
 * not come are left for later.
 *
 * A last delivery that never ends (the process is killed during it) reaches neither `onGiveUp` nor another
 * delivery: the queue moves the job to its poison list when it becomes visible again. A handler that turns things
 * off on the way (a re-point's flows) cannot leave it there, so it may offer `recoverAbandoned`, which the runner
 * calls for each such job at start, on every drain and periodically while polling (recoverAbandoned()).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { getLogger } from '../logging/logger';
import { isHeldByAnotherWorker } from './heldByAnotherWorker';
import { MAX_DELIVERIES, type AuditLog, type JobQueue, type LeaseStore, type QueuedJob } from '../store/ports';
import { JOB_PATIENCE_MS, withPatience } from '../tenant/patience';

const log = getLogger('jobs');

export interface JobContext {
  jobId: string;
  /** 1 on the first delivery. */
  attempt: number;
  /** True when a failure now means the queue gives up on the job. */
  lastAttempt: boolean;
}

export interface JobHandler<T> {
  run(payload: T, job: JobContext): Promise<void>;
  /** Called once when the last attempt failed; the job is not retried after this. */
  onGiveUp?(payload: T, error: unknown, job: JobContext): Promise<void>;
  /**
   * For a job on the poison list: its last delivery ended without a word (the process died during it). Called on
   * every recovery pass until the job's work says it is finished, under a lease per job when the store has leases
   * (one instance at a time), so it must be idempotent and cheap once the work is finished.
   */
  recoverAbandoned?(payload: T, job: JobContext): Promise<void>;
}

export interface JobRunnerOptions {
  /** How long a received job stays hidden from other receivers (renewed while the handler runs). */
  visibilityTimeoutMs?: number;
  /** Jobs received per poll. */
  batchSize?: number;
  /** Poll interval right after work was found, doubled while idle up to idleMaxMs. */
  idleMinMs?: number;
  idleMaxMs?: number;
  /** Must match the queue's poison threshold. */
  maxAttempts?: number;
  /** How often a polling runner looks for abandoned jobs (recoverAbandoned), besides at start and on each drain. */
  recoverEveryMs?: number;
}

export class JobRunner {
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly options: Required<JobRunnerOptions>;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  private readonly queue: JobQueue;
  private readonly audit: AuditLog;
  private readonly leases?: LeaseStore;
  private readonly owner = `jobs-${randomUUID()}`;
  private lastRecovery = Number.NEGATIVE_INFINITY;

  /** Takes the domain context (or anything with the store) so the composition root can pass `ctx` as is. */
  constructor(
    ctx: { store: { jobs: JobQueue; audit: AuditLog; leases?: LeaseStore } },
    options: JobRunnerOptions = {},
  ) {
    this.queue = ctx.store.jobs;
    this.audit = ctx.store.audit;
    this.leases = ctx.store.leases;
    this.options = {
      visibilityTimeoutMs: options.visibilityTimeoutMs ?? 60_000,
      batchSize: options.batchSize ?? 4,
      idleMinMs: options.idleMinMs ?? 200,
      idleMaxMs: options.idleMaxMs ?? 5_000,
      maxAttempts: options.maxAttempts ?? MAX_DELIVERIES,
      recoverEveryMs: options.recoverEveryMs ?? 300_000,
    };
  }

  register<T>(type: string, handler: JobHandler<T> | ((payload: T, job: JobContext) => Promise<void>)): void {
    const normalized: JobHandler<T> = typeof handler === 'function' ? { run: handler } : handler;
    this.handlers.set(type, normalized as JobHandler<unknown>);
  }

  enqueue<T>(type: string, payload: T, options?: { delayMs?: number; id?: string }): Promise<string> {
    const id = this.queue.enqueue(type, payload, options);
    this.wake?.();
    return id;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.pollLoop();
  }

  /** Stops polling and resolves once the jobs already received have finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.all([...this.inFlight]);
  }

  /**
   * Looks at the queue now, for a job someone on this instance is waiting to watch ("scan now" streamed in its
   * turn): a polling runner is woken; one that does not poll (the chat CLI, tests) receives what is visible once,
   * in the background, and drain() waits for it. Another instance may still take the job first.
   */
  runSoon(): void {
    if (this.running) {
      this.wake?.();
      return;
    }
    const look: Promise<void> = this.receiveBatch()
      .then(() => undefined)
      .catch((error: unknown) => log.warn({ err: error }, 'could not receive jobs'))
      .finally(() => this.inFlight.delete(look));
    this.inFlight.add(look);
  }

  /** Processes jobs until none is visible and none is running (delayed jobs not yet due are left). */
  async drain(): Promise<void> {
    await this.drainVisible();
    // After the receives: a receive is what moves a job whose last delivery was abandoned to the poison list.
    if ((await this.recoverAbandoned()) > 0) await this.drainVisible();
  }

  private async drainVisible(): Promise<void> {
    for (;;) {
      const received = await this.receiveBatch();
      if (received === 0 && this.inFlight.size === 0) return;
      await Promise.all([...this.inFlight]);
    }
  }

  private async pollLoop(): Promise<void> {
    let idleMs = this.options.idleMinMs;
    while (this.running) {
      let received = 0;
      try {
        received = await this.receiveBatch();
      } catch (error) {
        log.warn({ err: error }, 'could not receive jobs; retrying');
      }
      // Also right after start: a job abandoned by the process this one replaces is picked up at once.
      if (performance.now() - this.lastRecovery >= this.options.recoverEveryMs) {
        this.lastRecovery = performance.now();
        await this.recoverAbandoned();
      }
      if (received > 0) {
        idleMs = this.options.idleMinMs;
        // Keep at most one batch in flight per poll so a slow job does not starve the loop of capacity.
        await Promise.race([Promise.all([...this.inFlight]), this.sleep(this.options.idleMinMs)]);
        continue;
      }
      await this.sleep(idleMs);
      idleMs = Math.min(idleMs * 2, this.options.idleMaxMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /**
   * Calls recoverAbandoned for each job on the poison list whose handler offers it (see JobHandler). A job whose
   * lease another instance holds is left to it; a failing recovery is logged and tried again on the next pass.
   * Returns how many jobs it called the handler for.
   */
  async recoverAbandoned(): Promise<number> {
    let poisoned: QueuedJob[];
    try {
      poisoned = await this.queue.listPoison();
    } catch (error) {
      log.warn({ err: error }, 'could not list abandoned jobs');
      return 0;
    }
    let recovered = 0;
    for (const job of poisoned) {
      const handler = this.handlers.get(job.type);
      if (!handler?.recoverAbandoned) continue;
      const lease = this.leases ? await this.leases.acquire(`jobRecovery:${job.id}`, this.owner, 60_000) : undefined;
      if (this.leases && !lease) continue;
      const jobLog = log.child({ jobId: job.id, type: job.type, attempt: job.dequeueCount });
      try {
        await handler.recoverAbandoned(job.payload, { jobId: job.id, attempt: job.dequeueCount, lastAttempt: true });
        recovered++;
      } catch (error) {
        jobLog.warn({ err: error }, 'could not recover an abandoned job; the next pass tries again');
      } finally {
        if (lease) await this.leases?.release(lease).catch(() => undefined);
      }
    }
    return recovered;
  }

  private async receiveBatch(): Promise<number> {
    const jobs = await this.queue.receive({
      max: this.options.batchSize,
      visibilityTimeoutMs: this.options.visibilityTimeoutMs,
    });
    for (const job of jobs) {
      const work = this.process(job).finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    }
    return jobs.length;
  }

  private async process(received: QueuedJob): Promise<void> {
    const handler = this.handlers.get(received.type);
    const context: JobContext = {
      jobId: received.id,
      attempt: received.dequeueCount,
      lastAttempt: received.dequeueCount >= this.options.maxAttempts,
    };
    const jobLog = log.child({ jobId: received.id, type: received.type, attempt: received.dequeueCount });
    if (!handler) {
      // Another instance may run a newer version that knows this type; leave it to the visibility timeout.
      jobLog.warn('no handler registered for this job type');
      return;
    }
    let job = received;
    // complete() must use the receipt of the latest extend, so wait for an extend in flight before completing.
    let extending: Promise<void> = Promise.resolve();
    const heartbeat = setInterval(
      () => {
        extending = this.queue.extend(job, this.options.visibilityTimeoutMs).then(
          (extended) => {
            job = extended;
          },
          (error: unknown) => jobLog.warn({ err: error }, 'could not extend the job; another worker may take it'),
        );
      },
      Math.max(50, Math.floor(this.options.visibilityTimeoutMs / 2)),
    );
    heartbeat.unref?.();
    const settle = async (): Promise<void> => {
      clearInterval(heartbeat);
      await extending;
    };
    try {
      // Nobody waits on a job: its tenant calls wait out a service's long Retry-After instead of failing.
      await withPatience(JOB_PATIENCE_MS, () => handler.run(received.payload, context));
      await settle();
      await this.queue.complete(job);
      jobLog.debug('job done');
    } catch (error) {
      await settle();
      jobLog.warn({ err: error }, context.lastAttempt ? 'job failed for the last time' : 'job failed; will retry');
      await this.audit
        .append({
          actor: 'system',
          action: context.lastAttempt ? 'job.gaveUp' : 'job.failed',
          subject: received.type,
          outcome: 'failure',
          correlationId: received.id,
          details: { attempt: received.dequeueCount, error: errorCode(error) },
        })
        .catch((auditError: unknown) => jobLog.error({ err: auditError }, 'could not audit a job failure'));
      // Held by another worker: not a failure of the work. Left to the queue, whose poison list the recovery pass
      // reads (recoverAbandoned), rather than recorded as failed while the other worker finishes it.
      if (context.lastAttempt && handler.onGiveUp && !isHeldByAnotherWorker(error)) {
        try {
          await handler.onGiveUp(received.payload, error, context);
          await this.queue.complete(job);
        } catch (giveUpError) {
          jobLog.error({ err: giveUpError }, 'could not record the final failure of a job');
        }
      }
    }
  }
}

/** A short, secret-free description of a failure for the audit log (the full error goes to the log only). */
function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return 'Error';
}
