/**
 * What the re-point and handover writes changed, as tests read it straight from the emulator's state (no token, no
 * fault, no throttle: the control surface), and the directory facts tests set: a user's manager, and (in process
 * only) an app registration's owners.
 *   GET  {control}/flow?env=<environment id>&flow=<flow name>                → FlowSnapshot
 *   GET  {control}/connectionReference?env=<environment id>&logicalName=<n>  → ReferenceSnapshot
 *   POST {control}/manager  {"user":"<upn or id>","manager":"<upn or id>"|null}
 */
import type { EmulatorCore } from './core';
import { apiError, jsonBody, ok } from './http';
import { route, type Route } from './route';
import type { EmuUser } from './tenantState';

export interface FlowSnapshot {
  state: string;
  /** Owners as the Flow API lists them: principal id and role (Owner, CanEdit, CanView). */
  owners: { principalId: string; roleName: string }[];
  /** Connection each of the flow's references runs with now (solution flows: taken at their last start). */
  connections: Record<string, string | null>;
  /** Dataverse owner (systemuserid) and statecode of a solution flow's workflow row. */
  workflow?: { ownerId: string; stateCode: number };
}

export interface ReferenceSnapshot {
  connectionId: string | null;
  ownerId: string;
  modifiedOn: string;
}

export function flowSnapshot(core: EmulatorCore, environmentId: string, flowName: string): FlowSnapshot | undefined {
  const flow = (core.state.index.flowsByEnv.get(environmentId) ?? []).find(
    (f) => f.name.toLowerCase() === flowName.toLowerCase(),
  );
  if (!flow) return undefined;
  const org = core.state.environments.find((e) => e.name === environmentId)?.dataverse;
  const row = flow.workflowId ? org?.workflows.find((w) => w.workflowid === flow.workflowId) : undefined;
  return {
    state: flow.state,
    owners: flow.owners.map((o) => ({ principalId: o.principalId, roleName: o.roleName })),
    connections: Object.fromEntries(
      Object.entries(flow.connectionReferences).map(([key, r]) => [key, r.connectionName ?? null]),
    ),
    ...(row ? { workflow: { ownerId: row.ownerid, stateCode: row.statecode } } : {}),
  };
}

export function referenceSnapshot(
  core: EmulatorCore,
  environmentId: string,
  logicalName: string,
): ReferenceSnapshot | undefined {
  const org = core.state.environments.find((e) => e.name === environmentId)?.dataverse;
  const row = org?.connectionReferences.find(
    (r) => r.connectionreferencelogicalname.toLowerCase() === logicalName.toLowerCase(),
  );
  return row ? { connectionId: row.connectionid, ownerId: row.ownerid, modifiedOn: row.modifiedon } : undefined;
}

/** Records (or with `manager` null removes) a user's manager; throws for an unknown user. */
export function setManager(core: EmulatorCore, user: string, manager: string | null): void {
  const find = (key: string): EmuUser => {
    const found = core.state.index.usersById.get(key) ?? core.state.index.usersByUpn.get(key.toLowerCase());
    if (!found) throw new Error(`no demo user ${key}`);
    return found;
  };
  find(user).managerId = manager === null ? undefined : find(manager).id;
}

/**
 * Replaces an app registration's owners (object id, appId or display name; owners by UPN or object id), as an
 * admin does in Entra; throws for an unknown app or user. In-process only: tests set who owns an app.
 */
export function setApplicationOwners(core: EmulatorCore, app: string, owners: string[]): void {
  const key = app.toLowerCase();
  const found =
    core.state.index.appsById.get(app) ??
    core.state.index.appsByAppId.get(app) ??
    core.state.applications.find((a) => a.displayName.toLowerCase() === key);
  if (!found) throw new Error(`no demo app registration ${app}`);
  found.ownerIds = owners.map((owner) => {
    const user = core.state.index.usersById.get(owner) ?? core.state.index.usersByUpn.get(owner.toLowerCase());
    if (!user) throw new Error(`no demo user ${owner}`);
    return user.id;
  });
}

export function stateRoutes(): Route[] {
  const opt = { auth: 'none' as const };
  const param = (value: string | undefined, name: string): string => {
    if (!value) throw apiError(400, 'BadRequest', `${name} is required`);
    return value;
  };
  return [
    route(
      'control',
      'flow',
      'GET',
      '/control/flow',
      (ctx, core) => {
        const snapshot = flowSnapshot(core, param(ctx.query.get('env'), 'env'), param(ctx.query.get('flow'), 'flow'));
        if (!snapshot) throw apiError(404, 'NotFound', 'No such flow.');
        return ok(snapshot);
      },
      opt,
    ),
    route(
      'control',
      'connectionReference',
      'GET',
      '/control/connectionReference',
      (ctx, core) => {
        const snapshot = referenceSnapshot(
          core,
          param(ctx.query.get('env'), 'env'),
          param(ctx.query.get('logicalname'), 'logicalName'),
        );
        if (!snapshot) throw apiError(404, 'NotFound', 'No such connection reference.');
        return ok(snapshot);
      },
      opt,
    ),
    route(
      'control',
      'manager',
      'POST',
      '/control/manager',
      (ctx, core) => {
        const body = jsonBody(ctx);
        try {
          setManager(core, String(body.user), body.manager === null ? null : String(body.manager));
        } catch (error) {
          throw apiError(400, 'BadRequest', error instanceof Error ? error.message : String(error));
        }
        return ok({ user: body.user, manager: body.manager });
      },
      opt,
    ),
  ];
}
