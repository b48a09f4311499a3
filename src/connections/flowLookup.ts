/**
 * Finds the flow a person means, among the flows they may look at: makers see flows they created or co-own,
 * admins every flow. Names are matched tolerantly across environments; candidates are filtered by ownership
 * before anything about them is shown, so other people's flow names never leak into suggestions.
 */
import type { Caller } from '../access/caller';
import type { Environment, Flow } from '../tenant/model';
import { closestNames, resolveByName } from './nameResolver';
import type { TenantIndex } from './tenantIndex';
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
  const all = index
    ? flowsFromIndex(index, inScope)
    : (
        await Promise.all(
          inScope.map(async (environment) =>
            ((await reader.flows(environment)) ?? []).map((flow) => ({ flow, environment })),
          ),
        )
      ).flat();
  // From the index, the flow picked is read now: its state and connections are what the diagnosis is about.
  const one = async (hit: { flow: Flow; environment: Environment }): Promise<FlowLookup> => {
    const flow = index ? await readFlow(reader, hit.flow, hit.environment) : hit.flow;
    if (!flow) return { kind: 'none', suggestions: [] };
    return { kind: 'one', flow, environment: hit.environment, callerIsOwner: await owns({ ...hit, flow }) };
  };
  const owns = async (candidate: { flow: Flow; environment: Environment }) =>
    (await callerOwnsFlow(reader, caller, candidate.flow, candidate.environment)) === true;
  const visibleToCaller = async (candidate: { flow: Flow; environment: Environment }) =>
    isAdmin || (await owns(candidate));
  const mine = all.filter((c) => isAdmin || c.flow.creatorId.toLowerCase() === caller.userId.toLowerCase());
  const suggestFrom = (text: string) => {
    const names = mine.map((c) => c.flow.displayName);
    const closest = closestNames(text, names);
    return closest.length ? closest : [...new Set(names)].slice(0, 5);
  };

  if (query.flowId) {
    const hit = all.find((c) => c.flow.id.toLowerCase() === query.flowId?.toLowerCase());
    if (!hit || !(await visibleToCaller(hit))) return { kind: 'none', suggestions: [] };
    return one(hit);
  }

  const text = query.flowName ?? '';
  const resolution = resolveByName(text, all, (c) => c.flow.displayName);
  if (resolution.kind === 'none') return { kind: 'none', suggestions: suggestFrom(text) };
  const candidates = resolution.kind === 'one' ? [resolution.item] : resolution.items;
  const allowed = await Promise.all(candidates.map(async (c) => ((await visibleToCaller(c)) ? c : undefined)));
  const visible = allowed.filter((c): c is { flow: Flow; environment: Environment } => c !== undefined);
  if (visible.length === 0) return { kind: 'none', suggestions: suggestFrom(text) };
  if (visible.length === 1) return one(visible[0]);
  return { kind: 'many', flows: visible };
}

/** The index's flows in these environments, as Flows without their connections (read when one is chosen). */
function flowsFromIndex(index: TenantIndex, environments: Environment[]): { flow: Flow; environment: Environment }[] {
  const byId = new Map(environments.map((e) => [e.id, e]));
  return index.flows.flatMap((f) => {
    const environment = byId.get(f.environmentId);
    if (!environment) return [];
    const flow: Flow = { ...f, connectionReferences: [] };
    return [{ flow, environment }];
  });
}

function readFlow(reader: TenantReader, flow: Flow, environment: Environment): Promise<Flow | undefined> {
  return reader.read(`flow:${environment.id}:${flow.id}`, `${flow.displayName} (${environment.displayName})`, () =>
    reader.tenant.flows.getFlow(environment.id, flow.id),
  );
}
