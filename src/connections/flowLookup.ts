/**
 * Finds the flow a person means, among the flows they may look at: makers see flows they created or co-own,
 * admins every flow. Names are matched tolerantly across environments; candidates are filtered by ownership
 * before anything about them is shown, so other people's flow names never leak into suggestions.
 */
import type { Caller } from '../access/caller';
import type { Environment, Flow } from '../tenant/model';
import { closestNames, resolveByName } from '../understanding/nameResolution';
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

export async function lookUpFlow(
  reader: TenantReader,
  caller: Caller,
  isAdmin: boolean,
  query: { flowName?: string; environmentId?: string; flowId?: string },
): Promise<FlowLookup> {
  const environments = (await reader.environments()) ?? [];
  const inScope = query.environmentId ? environments.filter((e) => e.id === query.environmentId) : environments;
  const lists = await Promise.all(
    inScope.map(async (environment) =>
      ((await reader.flows(environment)) ?? []).map((flow) => ({ flow, environment })),
    ),
  );
  const all = lists.flat();
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
    return { kind: 'one', ...hit, callerIsOwner: await owns(hit) };
  }

  const text = query.flowName ?? '';
  const resolution = resolveByName(text, all, (c) => c.flow.displayName);
  if (resolution.kind === 'none') return { kind: 'none', suggestions: suggestFrom(text) };
  const candidates = resolution.kind === 'one' ? [resolution.item] : resolution.items;
  const allowed = await Promise.all(candidates.map(async (c) => ((await visibleToCaller(c)) ? c : undefined)));
  const visible = allowed.filter((c): c is { flow: Flow; environment: Environment } => c !== undefined);
  if (visible.length === 0) return { kind: 'none', suggestions: suggestFrom(text) };
  if (visible.length === 1) return { kind: 'one', ...visible[0], callerIsOwner: await owns(visible[0]) };
  return { kind: 'many', flows: visible };
}
