/**
 * The approvals domain as tests drive it: the bot's composition (startTestComposition) with its job runner and
 * approvals service, a card click as src/app handles it, and what the domain asked to deliver, recorded.
 */
import type { ApprovalsService } from '../../src/approvals/approvalsService';
import type { DomainContext } from '../../src/context';
import type { RunningEmulator } from '../../src/emulator';
import type { JobRunner } from '../../src/jobs/jobRunner';
import type { AdjustableClock } from '../../src/clock';
import type { AuditEntry } from '../../src/store/ports';
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
  /** A card click as src/app handles it: the service's answer, with its notifications delivered. */
  click: ApprovalsService['handleAction'];
  audit(): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const t = await startTestComposition({
    env: { OLD_SECRET_GRACE_HOURS: '0', ...env },
    // A job that failed on a transient fault is tried again within the test, not after the production minute.
    compose: { jobRunner: { visibilityTimeoutMs: 5_000 } },
  });
  const { jobs, approvals: service } = t.composition;
  return {
    emulator: t.emulator,
    ctx: t.ctx,
    clock: t.clock,
    notifier: t.notifier,
    jobs,
    service,
    click: async (caller, verb, data, inputs) => {
      const result = await service.handleAction(caller, verb, data, inputs);
      if (result?.notifications?.length) await t.notifier.send(result.notifications);
      return result;
    },
    audit: t.audit,
    close: t.close,
  };
}

export { actionOf, cardText, inputIds } from './cardInspection';
