/**
 * The approvals domain as tests drive it: the bot's composition (startTestComposition) with its job runner and
 * approvals service, a card click as src/app handles it (the verb catalogue), and what the domain asked to
 * deliver, recorded.
 */
import type { Caller } from '../../src/access/caller';
import type { ActionResult } from '../../src/app/services';
import type { ApprovalsService } from '../../src/approvals/approvalsService';
import type { Notification } from '../../src/cards/reply';
import type { AdjustableClock } from '../../src/clock';
import type { DomainContext } from '../../src/context';
import type { RunningEmulator } from '../../src/emulator';
import type { JobRunner } from '../../src/jobs/jobRunner';
import type { OperationKind } from '../../src/operations/operationKind';
import type { AuditEntry } from '../../src/store/ports';
import { cardClicker } from '../support/cardClicks';
import { callerFor, startTestComposition, type RecordingNotifier } from '../support/testComposition';

export { TENANT_ID, USERS } from '../support/testComposition';
export const as = callerFor;

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

/** `operations`: kinds to run besides the built-in ones (a test's own kind). */
export async function startHarness(
  env: Record<string, string> = {},
  operations: OperationKind[] = [],
): Promise<Harness> {
  const t = await startTestComposition({
    env: { OLD_SECRET_GRACE_HOURS: '0', ...env },
    // A job that failed on a transient fault is tried again within the test, not after the production minute.
    compose: { jobRunner: { visibilityTimeoutMs: 5_000 }, operations },
  });
  const { jobs, approvals: service } = t.composition;
  const click = cardClicker({ ctx: t.ctx, approvals: service });
  return {
    emulator: t.emulator,
    ctx: t.ctx,
    clock: t.clock,
    notifier: t.notifier,
    jobs,
    service,
    click: async (caller, verb, data, inputs = {}) => {
      const result = await click(caller, verb, { ...data, ...inputs });
      const notifications = result.notifications ?? [];
      if (notifications.length) await t.notifier.send(notifications);
      return { ...result, notifications };
    },
    audit: t.audit,
    close: t.close,
  };
}

export { actionOf, cardText, inputIds } from './cardInspection';
