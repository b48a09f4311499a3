/**
 * Runs a re-point from wherever its record says it stands until it is finished: record which flows are on, bind
 * each reference (recording its previous binding first), then turn each flow that was on off and on and verify it
 * uses the new bindings. Safe to call again after a crash at any point and concurrently: a lease keeps a second
 * runner out (it gets undefined back: try later), every write is conditional on the version read, and each step
 * (steps/) reads before it writes. A passing failure (429 past its budget, 5xx, a lost answer) is thrown: the
 * record stays where it was and the job is delivered again. A refusal is recorded on its reference or flow and
 * the run goes on with the rest.
 */
import { randomUUID } from 'node:crypto';
import type { DomainContext } from '../../context';
import { VersionConflictError, type AuditEntry, type StoredRecord } from '../../store/ports';
import { isTenantApiError } from '../../tenant/errors';
import type { Environment } from '../../tenant/model';
import type { RepointOptions } from './repointOptions';
import { FINAL_REPOINT_STATES, loadSaga, REPOINTS, type RepointSaga } from './repointSaga';
import { bindReference } from './steps/bindReference';
import { environmentOf } from './steps/environmentOf';
import { refusalText } from './steps/connectionReady';
import { isPermanentFailure } from './steps/permanentFailure';
import { restartFlow, type ExpectedBindings } from './steps/restartFlow';

type AuditDetails = Record<string, string | number | boolean | null>;

class RepointRun {
  constructor(
    readonly ctx: DomainContext,
    private readonly options: RepointOptions,
    private current: StoredRecord<RepointSaga>,
  ) {}

  get saga(): RepointSaga {
    return this.current.value;
  }

  async save(patch: Partial<RepointSaga>): Promise<void> {
    const next: RepointSaga = { ...this.saga, ...patch, updatedAt: this.ctx.clock.now().toISOString() };
    await this.options.hooks?.beforeSave?.(next);
    const version = await this.ctx.store.records.put(REPOINTS, next.id, next, { ifVersion: this.current.version });
    this.current = { key: next.id, value: next, version };
    await this.options.hooks?.afterSave?.(next);
  }

  audit(action: string, outcome: AuditEntry['outcome'], details: AuditDetails = {}): Promise<void> {
    return this.ctx.store.audit.append({
      actor: 'system',
      action: `repoint.${action}`,
      subject: this.saga.solutionName,
      outcome,
      correlationId: this.saga.approvalId,
      details: { environmentId: this.saga.environmentId, ...details },
    });
  }
}

export interface Progress {
  (text: string): Promise<void>;
}

async function recordFlowStates(run: RepointRun): Promise<void> {
  const flows = [];
  for (const flow of run.saga.flows) {
    try {
      const read = await run.ctx.tenant.flows.getFlow(run.saga.environmentId, flow.flowId);
      flows.push({ ...flow, wasOn: read.state === 'Started' });
    } catch (error) {
      // A flow deleted since the preview has nothing to turn off and on.
      if (!isPermanentFailure(error)) throw error;
      flows.push({ ...flow, wasOn: false });
    }
  }
  await run.audit('started', 'info', { references: run.saga.references.length, flows: flows.length });
  await run.save({ state: 'binding', flows });
}

async function bindNext(run: RepointRun, environment: Environment, progress: Progress): Promise<boolean> {
  const references = run.saga.references;
  const index = references.findIndex((r) => r.outcome === 'pending');
  if (index < 0) {
    const failed = references.every((r) => r.outcome === 'failed');
    if (failed) await run.audit('finished', 'failure');
    await run.save(
      failed ? { state: 'failed', finishedAt: run.ctx.clock.now().toISOString() } : { state: 'restarting' },
    );
    return true;
  }
  const reference = references[index];
  const update = async (patch: Partial<(typeof references)[number]>) =>
    run.save({ references: run.saga.references.map((r, i) => (i === index ? { ...r, ...patch } : r)) });
  if (reference.previous === undefined) {
    // Recorded before the write: after a crash past the write, the reference already names the new connection.
    const read = await run.ctx.tenant.dataverse.getConnectionReference(environment, reference.referenceId);
    const previous = read?.connectionName ?? null;
    const previousName = previous ? await displayNameOf(run, environment.id, previous) : '(none)';
    await update({ previous, previousName });
    return true;
  }
  await progress(
    `Step ${index + 1} of ${references.length + run.saga.flows.length}: binding ${reference.displayName} to ${reference.toName}`,
  );
  try {
    await bindReference(run.ctx, environment, reference.referenceId, reference.to);
    // Audited before the record moves on: a crash in between repeats the line rather than losing it.
    await run.audit('reference.bound', 'success', {
      reference: reference.logicalName,
      from: reference.previous ?? null,
      to: reference.to,
    });
    await update({ outcome: 'bound' });
  } catch (error) {
    if (!isPermanentFailure(error)) throw error;
    const text = refusalText(error).slice(0, 500);
    await run.audit('reference.bound', 'failure', { reference: reference.logicalName, to: reference.to, error: text });
    await update({ outcome: 'failed', error: text });
  }
  return true;
}

async function displayNameOf(run: RepointRun, environmentId: string, connectionName: string): Promise<string> {
  for await (const c of run.ctx.tenant.connections.listConnections(environmentId)) {
    if (c.name.toLowerCase() === connectionName.toLowerCase()) return c.displayName;
  }
  return connectionName;
}

/** A reference a refused flow needs back on its previous connection: written before the record says it is done. */
async function rollBackNext(run: RepointRun, environment: Environment): Promise<boolean> {
  const index = run.saga.references.findIndex((r) => r.outcome === 'rollingBack');
  if (index < 0) return false;
  const reference = run.saga.references[index];
  try {
    await bindReference(run.ctx, environment, reference.referenceId, reference.previous ?? null);
  } catch (error) {
    if (!isPermanentFailure(error)) throw error;
    // Refused (Dataverse binds only a connection the bot may use): the reference keeps its new connection.
    const text =
      isTenantApiError(error) && error.kind === 'forbidden' && error.code === '0x80040220'
        ? `the bot may not use ${reference.previousName ?? reference.previous}: its owner must share it with the bot's service principal (Can use)`
        : refusalText(error).slice(0, 500);
    await run.audit('reference.rolledBack', 'failure', { reference: reference.logicalName, error: text });
    await run.save({
      references: run.saga.references.map((r, i) =>
        i === index ? { ...r, outcome: 'bound' as const, rollBackRefused: text } : r,
      ),
    });
    return true;
  }
  await run.audit('reference.rolledBack', 'success', {
    reference: reference.logicalName,
    from: reference.to,
    to: reference.previous ?? null,
  });
  await run.save({
    references: run.saga.references.map((r, i) => (i === index ? { ...r, outcome: 'rolledBack' as const } : r)),
  });
  return true;
}

/**
 * A flow that was on was refused on its new connections: its references this run bound go back to their previous
 * connections (recorded first, as `rollingBack`), and every flow that uses them is turned off and on again, this
 * time onto the previous connections, so that no flow stays off and none runs on a binding its reference no
 * longer names. Returns false when nothing can be put back (the flow then stays off, said as such).
 */
async function planRollBack(run: RepointRun, index: number, error: string): Promise<boolean> {
  const flow = run.saga.flows[index];
  const back = new Set(
    run.saga.references
      .filter(
        (r) =>
          flow.referenceLogicalNames.includes(r.logicalName) &&
          r.outcome === 'bound' &&
          r.previous &&
          !r.rollBackRefused,
      )
      .map((r) => r.logicalName),
  );
  if (!back.size) return false;
  await run.save({
    references: run.saga.references.map((r) => (back.has(r.logicalName) ? { ...r, outcome: 'rollingBack' } : r)),
    flows: run.saga.flows.map((f, i) =>
      i === index
        ? { ...f, error }
        : f.wasOn && f.outcome !== 'failed' && f.referenceLogicalNames.some((n) => back.has(n))
          ? { ...f, outcome: 'pending' }
          : f,
    ),
  });
  return true;
}

async function restartNext(run: RepointRun, environment: Environment, progress: Progress): Promise<boolean> {
  if (await rollBackNext(run, environment)) return true;
  const flows = run.saga.flows;
  const index = flows.findIndex((f) => f.outcome === 'pending');
  if (index < 0) {
    const trouble =
      run.saga.references.some((r) => r.outcome === 'failed' || r.outcome === 'rolledBack') ||
      flows.some((f) => f.outcome === 'failed' || f.outcome === 'rolledBack' || f.outcome === 'leftOn');
    await run.audit('finished', trouble ? 'failure' : 'success');
    await run.save({ state: trouble ? 'needsAttention' : 'done', finishedAt: run.ctx.clock.now().toISOString() });
    return true;
  }
  const flow = flows[index];
  const update = (patch: Partial<(typeof flows)[number]>) =>
    run.save({ flows: run.saga.flows.map((f, i) => (i === index ? { ...f, ...patch } : f)) });
  if (!flow.wasOn) {
    await update({ outcome: 'leftOff' });
    return true;
  }
  // A flow this run could not turn on again (on either connections): the next start may well fail the same way,
  // so no other flow is turned off. One still on stays on, with the connections it started with.
  const off = flows.find((f) => f.outcome === 'failed');
  if (off && (await isOn(run, flow.flowId))) {
    const why = `not turned off and on: ${off.displayName} could not be turned on again, so the job turned no other flow off`;
    await run.audit('flow.leftOn', 'failure', { flowId: flow.flowId, flow: flow.displayName, error: why });
    await update({ outcome: 'leftOn', error: why });
    return true;
  }
  // What the flow must use afterwards: the new connection of a bound reference, the old one of a refused one.
  const expected: ExpectedBindings = {};
  let rolledBack = false;
  for (const r of run.saga.references) {
    if (flow.referenceLogicalNames.includes(r.logicalName)) {
      expected[r.logicalName] = r.outcome === 'bound' ? r.to : (r.previous ?? null);
      if (r.outcome === 'rolledBack') rolledBack = true;
    }
  }
  await progress(
    `Step ${run.saga.references.length + index + 1} of ${run.saga.references.length + flows.length}: turning ${flow.displayName} off and on`,
  );
  try {
    const result = await restartFlow(run.ctx, run.saga.environmentId, flow.flowId, expected);
    await run.audit('flow.restarted', 'success', {
      flowId: flow.flowId,
      flow: flow.displayName,
      ...(rolledBack ? { onPreviousConnections: true } : {}),
    });
    await update({ outcome: rolledBack ? 'rolledBack' : result.restarted ? 'restarted' : 'unchanged' });
  } catch (error) {
    if (!isPermanentFailure(error)) {
      // The job is delivered again later: until then, a flow this step turned off goes back on if it can.
      await turnBackOn(run, flow.flowId);
      throw error;
    }
    const text = refusalText(error).slice(0, 500);
    await run.audit('flow.restarted', 'failure', { flowId: flow.flowId, flow: flow.displayName, error: text });
    // Refused on the new connections: put its references back and turn it on with them (once: a flow already
    // on its previous connections that is refused again stays off, said on the card).
    if (!rolledBack && (await planRollBack(run, index, text))) return true;
    // Refused before it was turned off (the pre-flight of restartFlow): on, with the connections it started with.
    if (await isOn(run, flow.flowId)) {
      await update({ outcome: 'leftOn', error: `not turned off and on: ${flow.error ?? text}`.slice(0, 1000) });
      return true;
    }
    const refusedBack = run.saga.references.filter(
      (r) => flow.referenceLogicalNames.includes(r.logicalName) && r.rollBackRefused,
    );
    const why = refusedBack.length
      ? `${flow.error ?? text}; its previous connections could not be put back: ${[...new Set(refusedBack.map((r) => r.rollBackRefused))].join('; ')}`
      : text;
    await update({ outcome: 'failed', error: why.slice(0, 1000) });
  }
  return true;
}

/** Whether the flow reads as on; a flow that cannot be read counts as off (the card then says to check it). */
async function isOn(run: RepointRun, flowId: string): Promise<boolean> {
  return run.ctx.tenant.flows.getFlow(run.saga.environmentId, flowId).then(
    (f) => f.state === 'Started',
    () => false,
  );
}

/**
 * Best effort: starts a flow that reads as stopped (a start the service refuses now is tried by the next run).
 * `blind`: also when it cannot be read: the demo tenant answers a start of a flow that is on by taking its
 * references' bindings again; what the real service does then is not documented (unconfirmed).
 */
async function turnBackOn(run: RepointRun, flowId: string, blind = false): Promise<'wasOn' | 'started' | 'failed'> {
  const flows = run.ctx.tenant.flows;
  const state = await flows.getFlow(run.saga.environmentId, flowId).then(
    (f) => f.state,
    () => undefined,
  );
  if (state === 'Started') return 'wasOn';
  if (state === undefined && !blind) return 'failed';
  return flows.startFlow(run.saga.environmentId, flowId).then(
    () => 'started' as const,
    () => 'failed' as const,
  );
}

/** Advances the saga; undefined when another runner holds it right now (the caller tries again later). */
export async function advanceRepoint(
  ctx: DomainContext,
  sagaId: string,
  progress: Progress,
  options: RepointOptions = {},
  report?: (saga: RepointSaga) => Promise<void>,
): Promise<RepointSaga | undefined> {
  const ttl = options.leaseTtlMs ?? 120_000;
  const initial = await loadSaga(ctx.store.records, sagaId);
  if (!initial) throw new Error(`There is no re-point ${sagaId}.`);
  if (FINAL_REPOINT_STATES.includes(initial.value.state)) return initial.value;
  let lease = await ctx.store.leases.acquire(`repoint:${sagaId}`, options.owner ?? randomUUID(), ttl);
  if (!lease) return undefined;
  try {
    // Re-read under the lease: the previous holder may have moved the saga on since the first read.
    const current = await loadSaga(ctx.store.records, sagaId);
    if (!current) throw new Error(`There is no re-point ${sagaId}.`);
    const run = new RepointRun(ctx, options, current);
    const environment = await environmentOf(ctx, run.saga.environmentId);
    await report?.(run.saga);
    while (!FINAL_REPOINT_STATES.includes(run.saga.state)) {
      if (run.saga.state === 'created') await recordFlowStates(run);
      else if (run.saga.state === 'binding') await bindNext(run, environment, progress);
      else await restartNext(run, environment, progress);
      await report?.(run.saga);
      lease = await ctx.store.leases.renew(lease, ttl);
      if (!lease) return undefined;
    }
    return run.saga;
  } catch (error) {
    // Another runner (whose lease this one outlived) moved the saga on: stop here, before any further side effect.
    if (error instanceof VersionConflictError) return undefined;
    throw error;
  } finally {
    if (lease) await ctx.store.leases.release(lease);
  }
}

/**
 * The job's last delivery failed too (the service kept failing): before the job gives up, turn back on every flow
 * this run turned off, on whatever its references name now (each reference is on its old or its new connection),
 * and end the saga needing attention, so the card says what is where. Best effort per flow: one the service still
 * will not start is recorded as off. Undefined when another runner holds the saga.
 */
export async function restoreAfterGiveUp(
  ctx: DomainContext,
  sagaId: string,
  options: RepointOptions = {},
): Promise<RepointSaga | undefined> {
  const lease = await ctx.store.leases.acquire(`repoint:${sagaId}`, options.owner ?? randomUUID(), 60_000);
  if (!lease) return undefined;
  try {
    const current = await loadSaga(ctx.store.records, sagaId);
    if (!current) return undefined;
    const run = new RepointRun(ctx, options, current);
    if (FINAL_REPOINT_STATES.includes(run.saga.state)) return run.saga;
    // Flows are turned off and on one at a time, in order: the first one not finished may be off now, and so may
    // one refused on its new connections while its references were on their way back (it carries the error).
    const first = run.saga.state === 'restarting' ? run.saga.flows.findIndex((f) => f.outcome === 'pending') : -1;
    const flows = [];
    for (const [index, flow] of run.saga.flows.entries()) {
      if (!flow.wasOn || flow.outcome !== 'pending') {
        flows.push(flow);
        continue;
      }
      const mayBeOff = index === first || flow.error !== undefined;
      const on = await turnBackOn(run, flow.flowId, mayBeOff);
      // On, or not readable and never turned off: left as it is (it keeps the connections it started with).
      if (on === 'wasOn' || (on === 'failed' && !mayBeOff)) {
        flows.push(flow);
        continue;
      }
      await run.audit('flow.restored', on === 'started' ? 'success' : 'failure', {
        flowId: flow.flowId,
        flow: flow.displayName,
      });
      flows.push(
        on === 'started'
          ? { ...flow, outcome: 'restored' as const }
          : { ...flow, outcome: 'failed' as const, error: 'the service did not answer; it may still be off' },
      );
    }
    // A reference on its way back stays where it is: the new connection, which is one of its two states.
    const references = run.saga.references.map((r) =>
      r.outcome === 'rollingBack' ? { ...r, outcome: 'bound' as const } : r,
    );
    await run.audit('finished', 'failure', { gaveUp: true });
    await run.save({ state: 'needsAttention', flows, references, finishedAt: ctx.clock.now().toISOString() });
    return run.saga;
  } finally {
    await ctx.store.leases.release(lease);
  }
}
