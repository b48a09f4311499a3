/**
 * Runs an approved handover plan step by step, resumable: what each step achieved is recorded (collection
 * `handovers`, key = approval id, conditional writes) before the next starts, so a run delivered again after a
 * crash or a transient failure continues where the record stands. Every step is idempotent in the tenant (adding a
 * co-owner or an owner again, binding a reference to the connection it already has, turning a flow on that is on),
 * so a change made just before a crash and not yet recorded is simply made again.
 *
 * Order: owners first (the flows stay the leaver's until then), then the leaver's canvas apps (each read first: an
 * app already the new owner's is only recorded), then the references, then each affected flow that was on is turned
 * off and on so it takes the new connections, and is verified by reading it back.
 * A transient error (429 beyond the client's patience, 5xx, lost answer) is thrown: the job is delivered again. A
 * refusal (bad request, forbidden, not found) ends that item only; the report says what someone must do.
 */
import { randomUUID } from 'node:crypto';
import type { DomainContext } from '../../context';
import { HeldByAnotherWorker } from '../../jobs/heldByAnotherWorker';
import type { AuditEntry } from '../../store/ports';
import { VersionConflictError } from '../../store/ports';
import { describeError, isTenantApiError } from '../../tenant/errors';
import type { Environment } from '../../tenant/model';
import type { RunControls } from '../operationKind';
import { bindReference } from '../repoint/steps/bindReference';
import { refusalText } from '../repoint/steps/connectionReady';
import { isPermanentFailure } from '../repoint/steps/permanentFailure';
import { restartFlow, type ExpectedBindings } from '../repoint/steps/restartFlow';
import {
  LEAVER_APP_ROLE,
  type HandoverOperation,
  type PlannedApp,
  type PlannedFlow,
  type PlannedReference,
} from './handoverPlan';
import type { HandoverOptions } from './handoverOptions';
import { handoverSteps } from './handoverSteps';

export const HANDOVERS = 'handovers';

export interface FlowProgress {
  /** Whether the flow was on when the run first looked (recorded before anything is turned off). */
  wasOn?: boolean;
  owner?: 'done' | 'refused';
  /**
   * done: off and on, verified on the new connections (or nothing new to take); refused: it is off, it could be
   * turned on neither way; rolledBack: refused on the new connections, on again with the leaver's; restored: turned
   * back on by the job's last delivery after it gave up; leftOn: not turned off (a connection it would take is not
   * ready, or another flow could not be turned on again), so it runs on the connections it started with.
   */
  restart?: 'done' | 'refused' | 'rolledBack' | 'restored' | 'leftOn';
  /** Plain words of a refusal. */
  problem?: string;
}

export interface ReferenceProgress {
  /**
   * rollingBack: a flow that uses it was refused on the new connection, so it is being bound to the leaver's
   * connection again (recorded before that write); rolledBack: it is.
   */
  bind?: 'done' | 'refused' | 'rollingBack' | 'rolledBack';
  problem?: string;
  /** Why it could not be put back on the leaver's connection: not tried again. */
  rollBackRefused?: string;
}

export interface AppProgress {
  /** done: the new owner owns it (alreadyOwner: it was found so when read, e.g. after a crash); refused: see problem. */
  owner?: 'done' | 'refused';
  alreadyOwner?: boolean;
  problem?: string;
}

export interface HandoverRecord {
  id: string;
  flows: Record<string, FlowProgress>;
  references: Record<string, ReferenceProgress>;
  /** By app id; absent in records written before apps were handed over. */
  apps?: Record<string, AppProgress>;
  finished?: boolean;
  /** Finished by the job's last delivery after repeated passing failures (restoreHandover). */
  gaveUp?: boolean;
  updatedAt: string;
}

/** Why a bind was refused, in words that name who can fix it. */
function bindRefusal(error: unknown, target: string): string {
  // Dataverse's privilege refusal on a bind: the bot's identity may not use the target connection.
  if (isTenantApiError(error) && error.kind === 'forbidden' && error.code === '0x80040220') {
    return `the bot may not use ${target}: its owner must share it with the bot's service principal (Can use), then ask again`;
  }
  return refusalText(error);
}

export class HandoverBusyError extends HeldByAnotherWorker {
  constructor() {
    super('The handover is being run by another worker; retrying.');
    this.name = 'HandoverBusyError';
  }
}

/** Refusals that will not go away by trying again: the item is reported, the run goes on with the others. */
const isRefusal = isPermanentFailure;

export async function runHandover(
  ctx: DomainContext,
  approvalId: string,
  plan: HandoverOperation,
  controls: RunControls,
  options: HandoverOptions = {},
): Promise<HandoverRecord> {
  const ttl = options.leaseTtlMs ?? 120_000;
  let lease = await ctx.store.leases.acquire(`handover:${approvalId}`, randomUUID(), ttl);
  if (!lease) throw new HandoverBusyError();
  try {
    const run = new Run(ctx, approvalId, plan, options, await load(ctx, approvalId));
    const steps = run.steps();
    // The first step not done, again and again: a roll-back re-opens steps already passed (handoverSteps.ts).
    for (let guard = 0; guard < steps.length * 4; guard++) {
      const step = steps.find((s) => !s.done());
      if (!step) break;
      await controls.steps(handoverSteps(plan, run.record));
      await step.run();
      lease = await ctx.store.leases.renew(lease, ttl);
      if (!lease) throw new HandoverBusyError();
    }
    if (!run.record.finished) await run.save({ finished: true });
    await controls.steps(handoverSteps(plan, run.record));
    return run.record;
  } catch (error) {
    if (error instanceof VersionConflictError) throw new HandoverBusyError();
    throw error;
  } finally {
    if (lease) await ctx.store.leases.release(lease);
  }
}

async function load(ctx: DomainContext, id: string): Promise<{ value: HandoverRecord; version?: string }> {
  const stored = await ctx.store.records.get<HandoverRecord>(HANDOVERS, id);
  if (stored) return stored;
  return { value: { id, flows: {}, references: {}, updatedAt: ctx.clock.now().toISOString() } };
}

interface Step {
  label: string;
  done(): boolean;
  run(): Promise<void>;
}

class Run {
  private environments?: Environment[];

  constructor(
    private readonly ctx: DomainContext,
    private readonly id: string,
    private readonly plan: HandoverOperation,
    private readonly options: HandoverOptions,
    private current: { value: HandoverRecord; version?: string },
  ) {}

  get record(): HandoverRecord {
    return this.current.value;
  }

  async save(patch: Partial<HandoverRecord>): Promise<void> {
    const next = { ...this.current.value, ...patch, updatedAt: this.ctx.clock.now().toISOString() };
    const version = await this.ctx.store.records.put(
      HANDOVERS,
      this.id,
      next,
      this.current.version ? { ifVersion: this.current.version } : { ifAbsent: true },
    );
    this.current = { value: next, version };
  }

  private flow(id: string): FlowProgress {
    return this.record.flows[id] ?? {};
  }

  private reference(id: string): ReferenceProgress {
    return this.record.references[id] ?? {};
  }

  private app(id: string): AppProgress {
    return this.record.apps?.[id] ?? {};
  }

  private saveApp(id: string, patch: AppProgress): Promise<void> {
    return this.save({ apps: { ...this.record.apps, [id]: { ...this.app(id), ...patch } } });
  }

  private saveFlow(id: string, patch: FlowProgress): Promise<void> {
    return this.save({ flows: { ...this.record.flows, [id]: { ...this.flow(id), ...patch } } });
  }

  private saveReference(id: string, patch: ReferenceProgress): Promise<void> {
    return this.save({ references: { ...this.record.references, [id]: { ...this.reference(id), ...patch } } });
  }

  private async changed(step: string): Promise<void> {
    await this.options.hooks?.afterChange?.(step);
  }

  private async audit(
    action: string,
    subject: string,
    outcome: AuditEntry['outcome'],
    details: AuditEntry['details'] = {},
  ) {
    await this.ctx.store.audit.append({
      actor: 'system',
      action: `handover.${action}`,
      subject,
      outcome,
      correlationId: this.id,
      details: { from: this.plan.fromName, to: this.plan.toName, ...details },
    });
  }

  private async environment(id: string): Promise<Environment> {
    this.environments ??= await this.ctx.tenant.connections.listEnvironments();
    const found = this.environments.find((e) => e.id === id);
    if (!found) throw new Error(`Environment ${id} is no longer listed.`);
    return found;
  }

  /** Flows turned off and on: those on a reference the run binds, that were on. */
  restartable(): PlannedFlow[] {
    const rebound = new Set(this.plan.references.filter((r) => r.to).flatMap((r) => r.flowIds));
    return this.plan.flows.filter((f) => rebound.has(f.flowId));
  }

  steps(): Step[] {
    const steps: Step[] = [];
    const restart = this.restartable();
    if (restart.length) {
      steps.push({
        label: 'noting which flows are on',
        done: () => restart.every((f) => this.flow(f.flowId).wasOn !== undefined),
        run: () => this.noteStates(restart),
      });
    }
    for (const flow of this.plan.flows.filter((f) => f.ownership !== 'none')) {
      steps.push({
        label: `making ${this.plan.toName} ${flow.ownership === 'coOwner' ? 'co-owner' : 'owner'} of ${flow.displayName}`,
        done: () => this.flow(flow.flowId).owner !== undefined,
        run: () => this.giveOwnership(flow),
      });
    }
    for (const app of this.plan.apps ?? []) {
      steps.push({
        label: `making ${this.plan.toName} owner of the canvas app ${app.displayName}`,
        done: () => this.app(app.appId).owner !== undefined,
        run: () => this.giveApp(app),
      });
    }
    for (const reference of this.plan.references.filter((r) => r.to)) {
      steps.push({
        label: `binding "${reference.displayName}" to ${reference.to?.displayName}`,
        done: () => this.reference(reference.referenceId).bind !== undefined,
        run: () => this.bind(reference),
      });
    }
    for (const reference of this.plan.references.filter((r) => r.to)) {
      steps.push({
        label: `putting "${reference.displayName}" back on ${reference.from.displayName || reference.from.connectionName}`,
        done: () => this.reference(reference.referenceId).bind !== 'rollingBack',
        run: () => this.rollBack(reference),
      });
    }
    for (const flow of restart) {
      steps.push({
        label: `turning ${flow.displayName} off and on so it takes the new connections`,
        done: () => {
          const progress = this.flow(flow.flowId);
          return progress.wasOn === false || progress.restart !== undefined;
        },
        run: () => this.restart(flow),
      });
    }
    return steps;
  }

  private async noteStates(flows: PlannedFlow[]): Promise<void> {
    const flowsPatch = { ...this.record.flows };
    for (const flow of flows) {
      if (this.flow(flow.flowId).wasOn !== undefined) continue;
      try {
        const found = await this.ctx.tenant.flows.getFlow(flow.environmentId, flow.flowId);
        flowsPatch[flow.flowId] = { ...this.flow(flow.flowId), wasOn: found.state === 'Started' };
      } catch (error) {
        // Deleted since the plan was approved: nothing to turn off and on; its other steps report their own refusal.
        if (!isRefusal(error)) throw error;
        flowsPatch[flow.flowId] = { ...this.flow(flow.flowId), wasOn: false, problem: describeError(error).short };
      }
    }
    await this.save({ flows: flowsPatch });
  }

  private async giveOwnership(flow: PlannedFlow): Promise<void> {
    try {
      if (flow.ownership === 'coOwner') {
        await this.ctx.tenant.flows.addFlowOwner(
          flow.environmentId,
          flow.flowId,
          { id: this.plan.toId, type: 'User' },
          'CanEdit',
        );
      } else if (flow.workflowId && flow.newOwnerSystemUserId) {
        const environment = await this.environment(flow.environmentId);
        await this.ctx.tenant.dataverse.setSolutionFlowOwner(environment, flow.workflowId, flow.newOwnerSystemUserId);
      }
      await this.changed(`owner:${flow.flowId}`);
      await this.saveFlow(flow.flowId, { owner: 'done' });
      await this.audit(flow.ownership === 'coOwner' ? 'coOwnerAdded' : 'ownerChanged', flow.displayName, 'success', {
        flowId: flow.flowId,
      });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const problem = describeError(error).short;
      await this.saveFlow(flow.flowId, { owner: 'refused', problem });
      await this.audit('ownerRefused', flow.displayName, 'failure', { flowId: flow.flowId, problem });
    }
  }

  /**
   * Reads the app first, so a change made just before a crash (or by someone else) is recorded, not made again; an
   * app that has meanwhile gone to a third person is left alone. The new owner's account is read again too: it was
   * enabled when the plan was approved, and an app is not given to an account disabled since.
   */
  private async giveApp(app: PlannedApp): Promise<void> {
    const audit = { appId: app.appId, environmentId: app.environmentId };
    const refuse = async (problem: string) => {
      await this.saveApp(app.appId, { owner: 'refused', problem });
      await this.audit('appOwnerRefused', app.displayName, 'failure', { ...audit, problem });
    };
    try {
      const current = await this.ctx.tenant.apps.getCanvasApp(app.environmentId, app.appId);
      const owner = current.ownerId.toLowerCase();
      if (owner === this.plan.toId.toLowerCase()) {
        await this.saveApp(app.appId, { owner: 'done', alreadyOwner: true });
        await this.audit('appOwnerChanged', app.displayName, 'success', { ...audit, alreadyOwner: true });
        return;
      }
      if (owner !== this.plan.fromId.toLowerCase()) {
        await refuse(
          `it is owned by ${current.ownerName ?? current.ownerId} now, no longer by ${this.plan.fromName}: left as it is`,
        );
        return;
      }
      const newOwner = await this.ctx.tenant.directory.getUser(this.plan.toId);
      if (!newOwner?.accountEnabled) {
        await refuse(
          `${this.plan.toName}'s account is ${newOwner ? 'disabled' : 'no longer in the directory'}: the app stays with ${this.plan.fromName}`,
        );
        return;
      }
      await this.ctx.tenant.apps.setCanvasAppOwner(app.environmentId, app.appId, this.plan.toId, LEAVER_APP_ROLE);
      await this.changed(`app:${app.appId}`);
      await this.saveApp(app.appId, { owner: 'done' });
      await this.audit('appOwnerChanged', app.displayName, 'success', {
        ...audit,
        previousOwnerRole: LEAVER_APP_ROLE,
      });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      await refuse(describeError(error).short);
    }
  }

  private async bind(reference: PlannedReference): Promise<void> {
    const target = reference.to;
    if (!target) return;
    try {
      const environment = await this.environment(reference.environmentId);
      await bindReference(this.ctx, environment, reference.referenceId, target.connectionName);
      await this.changed(`bind:${reference.referenceId}`);
      await this.saveReference(reference.referenceId, { bind: 'done' });
      await this.audit('referenceBound', reference.displayName, 'success', {
        previousConnection: reference.from.connectionName,
        connection: target.connectionName,
      });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const problem = bindRefusal(error, target.displayName);
      await this.saveReference(reference.referenceId, { bind: 'refused', problem });
      await this.audit('bindRefused', reference.displayName, 'failure', { connection: target.connectionName, problem });
    }
  }

  /** A reference a refused flow needs back on the leaver's connection: written before the record says so. */
  private async rollBack(reference: PlannedReference): Promise<void> {
    try {
      const environment = await this.environment(reference.environmentId);
      await bindReference(this.ctx, environment, reference.referenceId, reference.from.connectionName);
      await this.changed(`rollBack:${reference.referenceId}`);
      await this.saveReference(reference.referenceId, { bind: 'rolledBack' });
      await this.audit('referenceRolledBack', reference.displayName, 'success', {
        connection: reference.from.connectionName,
      });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // Refused (Dataverse binds only a connection the bot may use): the reference keeps its new connection.
      const problem = bindRefusal(error, reference.from.displayName || reference.from.connectionName);
      await this.saveReference(reference.referenceId, { bind: 'done', rollBackRefused: problem });
      await this.audit('referenceRollBackRefused', reference.displayName, 'failure', { problem });
    }
  }

  private async restart(flow: PlannedFlow): Promise<void> {
    // A flow this run could not turn on again (on either connections): the next start may well fail the same way,
    // so no other flow is turned off. One still on stays on, with the connections it started with.
    const off = this.restartable().find((f) => this.flow(f.flowId).restart === 'refused');
    if (off && (await isOn(this.ctx, flow))) {
      const problem = `not turned off and on: ${off.displayName} could not be turned on again, so the job turned no other flow off`;
      await this.saveFlow(flow.flowId, { restart: 'leftOn', problem });
      await this.audit('flowLeftOn', flow.displayName, 'failure', { flowId: flow.flowId, problem });
      return;
    }
    const wanted = this.plan.references.filter(
      (r) =>
        r.to &&
        r.flowIds.includes(flow.flowId) &&
        ['done', 'rolledBack'].includes(this.reference(r.referenceId).bind ?? ''),
    );
    if (!wanted.length) {
      // Nothing new to take: leave the flow as it was.
      await this.saveFlow(flow.flowId, { restart: 'done' });
      return;
    }
    const rolledBack = wanted.some((r) => this.reference(r.referenceId).bind === 'rolledBack');
    const expected: ExpectedBindings = Object.fromEntries(
      wanted.map((r) => [
        r.logicalName,
        this.reference(r.referenceId).bind === 'rolledBack' ? r.from.connectionName : (r.to?.connectionName ?? null),
      ]),
    );
    try {
      // Reads the flow first: after a crash it neither stops a flow already on the new connections nor skips one
      // left off halfway.
      await restartFlow(this.ctx, flow.environmentId, flow.flowId, expected);
      await this.changed(`restart:${flow.flowId}`);
      await this.saveFlow(flow.flowId, { restart: rolledBack ? 'rolledBack' : 'done' });
      await this.audit('flowRestarted', flow.displayName, 'success', {
        flowId: flow.flowId,
        ...(rolledBack ? { onPreviousConnections: true } : {}),
      });
    } catch (error) {
      if (!isRefusal(error)) {
        // The job is delivered again later: until then, a flow this step turned off goes back on if it can.
        await turnBackOn(this.ctx, flow);
        throw error;
      }
      const problem = refusalText(error);
      await this.audit('flowRestartRefused', flow.displayName, 'failure', { flowId: flow.flowId, problem });
      if (!rolledBack && (await this.planRollBack(flow, problem))) return;
      // Refused before it was turned off (the pre-flight of restartFlow): on, with the connections it started with.
      if (await isOn(this.ctx, flow)) {
        const first = this.flow(flow.flowId).problem ?? problem;
        await this.saveFlow(flow.flowId, { restart: 'leftOn', problem: `not turned off and on: ${first}` });
        return;
      }
      const refusedBack = [
        ...new Set(wanted.map((r) => this.reference(r.referenceId).rollBackRefused).filter(Boolean)),
      ];
      const first = this.flow(flow.flowId).problem ?? problem;
      await this.saveFlow(flow.flowId, {
        restart: 'refused',
        problem: refusedBack.length
          ? `${first}; ${this.plan.fromName}'s connections could not be put back: ${refusedBack.join('; ')}`
          : first,
      });
    }
  }

  /**
   * The flow was refused on its new connections: its references go back to the leaver's connections (recorded
   * first, as rollingBack), and every flow that uses them is turned off and on again, onto those. False when
   * nothing can be put back.
   */
  private async planRollBack(flow: PlannedFlow, problem: string): Promise<boolean> {
    const back = this.plan.references.filter((r) => {
      const progress = this.reference(r.referenceId);
      return r.to && r.flowIds.includes(flow.flowId) && progress.bind === 'done' && !progress.rollBackRefused;
    });
    if (!back.length) return false;
    const references = { ...this.record.references };
    for (const r of back) references[r.referenceId] = { ...references[r.referenceId], bind: 'rollingBack' };
    const flows = { ...this.record.flows };
    flows[flow.flowId] = { ...flows[flow.flowId], problem };
    for (const r of back) {
      for (const id of r.flowIds) {
        if (id !== flow.flowId && flows[id]?.restart === 'done') flows[id] = { ...flows[id], restart: undefined };
      }
    }
    await this.save({ references, flows });
    return true;
  }

  /** After the job's last delivery failed too: every flow that was on and is off now is turned back on. */
  async restoreAll(): Promise<void> {
    const flows = { ...this.record.flows };
    const pending = this.restartable().filter((f) => flows[f.flowId]?.wasOn && flows[f.flowId]?.restart === undefined);
    // Flows are turned off and on one at a time once every reference is bound: only the first one not finished
    // may be off then, and so may one refused on its new connections (it carries the problem).
    const restarting = this.plan.references
      .filter((r) => r.to)
      .every((r) => !['rollingBack', undefined].includes(this.reference(r.referenceId).bind));
    for (const flow of pending) {
      const progress = flows[flow.flowId] ?? {};
      const mayBeOff = (restarting && flow === pending[0]) || progress.problem !== undefined;
      const on = await turnBackOn(this.ctx, flow, mayBeOff);
      // On, or not readable and never turned off: left as it is (it keeps the connections it started with).
      if (on === 'failed' && !mayBeOff) continue;
      if (on === 'started') flows[flow.flowId] = { ...progress, restart: 'restored' };
      else if (on === 'failed') {
        flows[flow.flowId] = { ...progress, restart: 'refused', problem: 'the service did not answer; it may be off' };
      }
      if (on !== 'wasOn') {
        await this.audit('flowRestored', flow.displayName, on === 'started' ? 'success' : 'failure', {
          flowId: flow.flowId,
        });
      }
    }
    // A reference on its way back keeps its new connection, which is one of its two states.
    const references = Object.fromEntries(
      Object.entries(this.record.references).map(([id, r]) => [
        id,
        r.bind === 'rollingBack' ? { ...r, bind: 'done' as const } : r,
      ]),
    );
    // What was turned back on is made before it is recorded: a process that dies here leaves the job to the
    // recovery pass (JobRunner.recoverAbandoned), which runs this again.
    await this.changed('giveUp');
    await this.save({ flows, references, finished: true, gaveUp: true });
  }
}

/** Whether the flow reads as on; a flow that cannot be read counts as off (the card then says to check it). */
async function isOn(ctx: DomainContext, flow: PlannedFlow): Promise<boolean> {
  return ctx.tenant.flows.getFlow(flow.environmentId, flow.flowId).then(
    (f) => f.state === 'Started',
    () => false,
  );
}

/**
 * Best effort: starts a flow that reads as stopped (a start refused now is left to the next run). `blind`: also
 * when it cannot be read: the demo tenant answers a start of a flow that is on by taking its references' bindings
 * again; what the real service does then is not documented (unconfirmed), which is why only a flow that may be off
 * is started blind.
 */
async function turnBackOn(
  ctx: DomainContext,
  flow: PlannedFlow,
  blind = false,
): Promise<'wasOn' | 'started' | 'failed'> {
  const state = await ctx.tenant.flows.getFlow(flow.environmentId, flow.flowId).then(
    (f) => f.state,
    () => undefined,
  );
  if (state === 'Started') return 'wasOn';
  if (state === undefined && !blind) return 'failed';
  return ctx.tenant.flows.startFlow(flow.environmentId, flow.flowId).then(
    () => 'started' as const,
    () => 'failed' as const,
  );
}

/**
 * The job's last delivery failed too: turn back on what the run turned off and end the record, so the final card
 * says where everything is. Undefined when another runner holds it.
 */
export async function restoreHandover(
  ctx: DomainContext,
  approvalId: string,
  plan: HandoverOperation,
  options: HandoverOptions = {},
): Promise<HandoverRecord | undefined> {
  const lease = await ctx.store.leases.acquire(`handover:${approvalId}`, randomUUID(), 60_000);
  if (!lease) return undefined;
  try {
    const run = new Run(ctx, approvalId, plan, options, await load(ctx, approvalId));
    if (!run.record.finished) await run.restoreAll();
    return run.record;
  } finally {
    await ctx.store.leases.release(lease);
  }
}
