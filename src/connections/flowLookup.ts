/**
 * Finds the flow a person means, among the flows they may look at: makers see flows they created or co-own,
 * admins every flow. Names are matched tolerantly across environments; candidates are filtered by ownership
 * before anything about them is shown, so other people's flow names never leak into suggestions.
 */
import type { Caller } from '../access/caller';
import type { Environment, Flow } from '../tenant/model';
import { closestNames, resolveByName, type Resolution } from '../understanding/nameResolution';
import type { IndexedFlow, TenantIndex } from './tenantIndex';
import type { TenantReader } from './tenantReader';

export type FlowLookup =
  | { kind: 'one'; flow: Flow; environment: Environment; callerIsOwner: boolean }
  | { kind: 'many'; flows: { flow: Flow; environment: Environment }[] }
  | { kind: 'none'; suggestions: string[] };

export async function callerOwnsFlow(
  reader: TenantReader,
  caller: Caller,
  flow: Flow,
  environment: Environment,
): Promise<boolean | undefined> {
  const me = caller.userId.toLowerCase();
  if (flow.creatorId.toLowerCase() === me) return true;
  const owners = await reader.flowOwners(flow, environment.displayName);
  if (!owners) return undefined;
  return owners.some((o) => o.principal.id.toLowerCase() === me && (o.role === 'Owner' || o.role === 'CanEdit'));
}

/**
 * With the tenant index, flows are found by name there (no listing), and only the one chosen is read; without it,
 * every environment in scope lists its flows.
 */
export async function lookUpFlow(
  reader: TenantReader,
  caller: Caller,
  isAdmin: boolean,
  query: { flowName?: string; environmentId?: string; flowId?: string },
  index?: TenantIndex,
): Promise<FlowLookup> {
  const environments = (index ? index.environments : await reader.environments()) ?? [];
  const inScope = query.environmentId ? environments.filter((e) => e.id === query.environmentId) : environments;
  const me = caller.userId.toLowerCase();
  // The index's flows are looked up where they are kept (by id, by name), not copied at every turn.
  const all = index
    ? undefined
    : (
        await Promise.all(
          inScope.map(async (environment) =>
            ((await reader.flows(environment)) ?? []).map((flow) => ({ flow, environment })),
          ),
        )
      ).flat();
  const fromIndex = index && candidatesFromIndex(index, inScope);
  // A maker's single candidate is read while the owners are checked, one round trip instead of two (each answer's
  // wake-up costs CPU of its own on a busy host). That read stays out of the reader's list of failed reads until the
  // caller is known to be an owner, so a flow they may not see is never named, not even as "could not be read".
  const early = new Map<string, Promise<Flow | undefined>>();
  const readEarly = (hit: Candidate) => {
    if (!index || isAdmin || hit.flow.creatorId.toLowerCase() === me) return;
    const read = reader.tenant.flows.getFlow(hit.environment.id, hit.flow.id);
    read.catch(() => undefined); // handled where it is used; unused when the caller may not see the flow
    early.set(hit.flow.id, read);
  };
  // From the index, the flow picked is read now: its state and connections are what the diagnosis is about.
  const one = async (hit: { flow: Flow; environment: Environment }): Promise<FlowLookup> => {
    const flow = index ? await readFlow(reader, hit.flow, hit.environment, early.get(hit.flow.id)) : hit.flow;
    if (!flow) return { kind: 'none', suggestions: [] };
    return { kind: 'one', flow, environment: hit.environment, callerIsOwner: await owns({ ...hit, flow }) };
  };
  const owns = async (candidate: { flow: Flow; environment: Environment }) =>
    (await callerOwnsFlow(reader, caller, candidate.flow, candidate.environment)) === true;
  const visibleToCaller = async (candidate: { flow: Flow; environment: Environment }) =>
    isAdmin || (await owns(candidate));
  const suggestFrom = (text: string) => {
    const mine = fromIndex
      ? fromIndex.list(isAdmin ? index!.flows : index!.flowsCreatedBy(me))
      : (all ?? []).filter((c) => isAdmin || c.flow.creatorId.toLowerCase() === me);
    const names = mine.map((c) => c.flow.displayName);
    const closest = closestNames(text, names);
    return closest.length ? closest : [...new Set(names)].slice(0, 5);
  };

  if (query.flowId) {
    const wanted = query.flowId.toLowerCase();
    const hit = fromIndex
      ? fromIndex.list([index!.flow(wanted)])[0]
      : (all ?? []).find((c) => c.flow.id.toLowerCase() === wanted);
    if (hit) readEarly(hit);
    if (!hit || !(await visibleToCaller(hit))) return { kind: 'none', suggestions: [] };
    return one(hit);
  }

  const text = query.flowName ?? '';
  const resolution = fromIndex
    ? fromIndex.resolve(text, query.environmentId !== undefined)
    : resolveByName(text, all ?? [], (c) => c.flow.displayName);
  if (resolution.kind === 'none') return { kind: 'none', suggestions: suggestFrom(text) };
  const candidates = resolution.kind === 'one' ? [resolution.item] : resolution.items;
  if (candidates.length === 1) readEarly(candidates[0]);
  const allowed = await Promise.all(candidates.map(async (c) => ((await visibleToCaller(c)) ? c : undefined)));
  const visible = allowed.filter((c): c is { flow: Flow; environment: Environment } => c !== undefined);
  if (visible.length === 0) return { kind: 'none', suggestions: suggestFrom(text) };
  if (visible.length === 1) return one(visible[0]);
  return { kind: 'many', flows: visible };
}

type Candidate = { flow: Flow; environment: Environment };

/** The index's flows in these environments, as Flows without their connections (read when one is chosen). */
function candidatesFromIndex(index: TenantIndex, environments: Environment[]) {
  const byId = new Map(environments.map((e) => [e.id, e]));
  const list = (flows: (IndexedFlow | undefined)[]): Candidate[] =>
    flows.flatMap((f) => {
      const environment = f && byId.get(f.environmentId);
      return f && environment ? [{ flow: { ...f, connectionReferences: [] }, environment }] : [];
    });
  return {
    list,
    /** By name: in one environment among its flows, tenant-wide through the index's kept name search. */
    resolve(text: string, oneEnvironment: boolean): Resolution<Candidate> {
      if (oneEnvironment) return resolveByName(text, list(index.flows), (c) => c.flow.displayName);
      const found = index.flowNames.resolve(text, { suggest: false });
      if (found.kind === 'none') return found;
      const items = list(found.kind === 'one' ? [found.item] : found.items);
      if (!items.length) return { kind: 'none', suggestions: [] };
      return found.kind === 'one' ? { kind: 'one', item: items[0] } : { kind: 'many', items };
    },
  };
}

function readFlow(
  reader: TenantReader,
  flow: Flow,
  environment: Environment,
  started?: Promise<Flow | undefined>,
): Promise<Flow | undefined> {
  return reader.read(
    `flow:${environment.id}:${flow.id}`,
    `${flow.displayName} (${environment.displayName})`,
    () => started ?? reader.tenant.flows.getFlow(environment.id, flow.id),
  );
}
