/**
 * Dataverse Web API updates (`PATCH {org}/api/data/v9.2/{set}({id})`) of the two rows the re-point and handover
 * operations change, judged as the service would judge them:
 *
 * - `connectionreferences(id)` with `connectionid` (and optionally its display name or description): the connection
 *   must exist in the reference's own environment, be of the reference's connector, and be one the caller may use
 *   (its owner, or shared with the caller, one of their groups or the whole organization). `null` unbinds.
 * - `workflows(id)` with `ownerid@odata.bind: "/systemusers(<id>)"`: the new owner must be an enabled user of the
 *   org. The solution flow's owner on the Flow API follows (owners are Dataverse's for solution flows).
 *
 * Both need the caller to hold System Administrator in the org or to own the row (the write and assign privileges
 * of the other roles are not modelled). Answers 204 with an `OData-EntityId` header, or 200 with the row under
 * `Prefer: return=representation`. An update of a missing row is refused 404: the real PATCH would create the row
 * (upsert) unless `If-Match: *` is sent, which is why the clients send it. A repeated update changes nothing more
 * (idempotent). Properties the payload names must exist on the entity type (0x80060888 otherwise, as the service
 * answers); the refusal codes 0x80040203 (invalid argument), 0x80040220 (privilege) and 0x80040225 (disabled user)
 * are Dataverse error codes, but which one the real service picks for each refusal here is unconfirmed.
 */
import { canUseConnection, findEnvironment } from './connectionModel';
import type { EmulatorCore } from './core';
import { orgOf, rowNotFound } from './dataverseApi';
import { ENTITY_SETS, project, type EntityType } from './dataverseSchema';
import { apiError, ok, type Reply, type RequestContext } from './http';
import { connectionKey, type DataverseOrg, type DvSystemUser, type EmuConnection } from './tenantState';

const KEYED = /^([a-z_]+)\(([0-9a-fA-F-]{36})\)$/;
const SYSTEM_ADMINISTRATOR = 'System Administrator';

export function updateRow(ctx: RequestContext, core: EmulatorCore): Reply {
  const { org, orgUrl, member, environmentId } = orgOf(ctx, core);
  const keyed = KEYED.exec(ctx.params.set);
  if (!keyed) {
    throw apiError(400, '0x80060888', `An update needs the row's key: ${ctx.params.set}(<id>).`);
  }
  const set = keyed[1].toLowerCase();
  const id = keyed[2].toLowerCase();
  const body = payload(ctx);
  const write = { ctx, core, org, member, environmentId, id, body };
  if (set === 'connectionreferences') updateConnectionReference(write);
  else if (set === 'workflows') updateWorkflow(write);
  else if (ENTITY_SETS[set]) {
    throw apiError(
      405,
      '0x80060888',
      `The demo tenant does not update ${set} rows (only connectionreferences and workflows).`,
    );
  } else {
    throw apiError(404, '0x8006088a', `Resource not found for the segment '${ctx.params.set}'.`);
  }
  const entityId = `${orgUrl}/api/data/v9.2/${set}(${id})`;
  if (/return=representation/i.test(String(ctx.req.headers.prefer ?? ''))) {
    const row = rowView(org, set, id);
    return ok({ '@odata.context': `${orgUrl}/api/data/v9.2/$metadata#${set}/$entity`, ...row }, 200, {
      'OData-Version': '4.0',
      'OData-EntityId': entityId,
    });
  }
  return { status: 204, headers: { 'OData-Version': '4.0', 'OData-EntityId': entityId } };
}

interface Write {
  ctx: RequestContext;
  core: EmulatorCore;
  org: DataverseOrg;
  member: DvSystemUser;
  environmentId: string;
  id: string;
  body: Record<string, unknown>;
}

function payload(ctx: RequestContext): Record<string, unknown> {
  if (ctx.body && typeof ctx.body === 'object' && !Array.isArray(ctx.body)) return ctx.body as Record<string, unknown>;
  throw apiError(400, '0x80040203', 'The request body must be a JSON object of the columns to update.');
}

/** Names the payload may carry: the entity's properties, and `<navigation>@odata.bind` for its lookups. */
function checkNames(body: Record<string, unknown>, type: EntityType, writable: string[]): void {
  for (const name of Object.keys(body)) {
    const bind = /^(.+)@odata\.bind$/.exec(name)?.[1];
    const known = bind ? bind in type.navigation : type.properties.has(name);
    if (!known) {
      throw apiError(
        400,
        '0x80060888',
        `The property '${bind ?? name}' does not exist on type 'Microsoft.Dynamics.CRM.${type.logicalName}'. Make sure to only use property names that are defined by the type.`,
      );
    }
    if (!writable.includes(name)) {
      throw apiError(400, '0x80040203', `The demo tenant does not update '${name}' of ${type.logicalName} rows.`);
    }
  }
}

function isSystemAdministrator(org: DataverseOrg, user: DvSystemUser): boolean {
  const admin = org.roles.find((r) => r.name === SYSTEM_ADMINISTRATOR)?.roleid;
  return !!admin && user.roleIds.includes(admin);
}

function requirePrivilege(w: Write, ownerId: string, privilege: string): void {
  if (isSystemAdministrator(w.org, w.member) || w.member.systemuserid.toLowerCase() === ownerId.toLowerCase()) return;
  throw apiError(
    403,
    '0x80040220',
    `Principal user (Id=${w.member.systemuserid}, type=8) is missing ${privilege} privilege.`,
  );
}

function updateConnectionReference(w: Write): void {
  const type = ENTITY_SETS.connectionreferences;
  checkNames(w.body, type, ['connectionid', 'connectionreferencedisplayname', 'description']);
  const row = w.org.connectionReferences.find((r) => r.connectionreferenceid.toLowerCase() === w.id);
  if (!row) throw rowNotFound(type.logicalName, w.id);
  requirePrivilege(w, row.ownerid, 'prvWriteconnectionreference');
  let connectionid = row.connectionid;
  if ('connectionid' in w.body) {
    const value = w.body.connectionid;
    if (value !== null && (typeof value !== 'string' || value.trim() === '')) {
      throw apiError(400, '0x80040203', 'connectionid must be the name of a connection, or null to unbind.');
    }
    if (typeof value === 'string') {
      const connection = bindableConnection(w, row.connectorid, value);
      connectionid = connection.name;
    } else {
      connectionid = null;
    }
  }
  row.connectionid = connectionid;
  if (typeof w.body.connectionreferencedisplayname === 'string') {
    row.connectionreferencedisplayname = w.body.connectionreferencedisplayname;
  }
  if ('description' in w.body) row.description = w.body.description === null ? null : String(w.body.description);
  row.modifiedon = w.core.now().toISOString();
}

/**
 * The connection a reference may be bound to: in the same environment, of the same connector, usable by the caller.
 * Each refusal says which of these failed.
 */
function bindableConnection(w: Write, connectorId: string, name: string): EmuConnection {
  const index = w.core.state.index;
  const connection = index.connectionsByKey.get(connectionKey(w.environmentId, name));
  if (!connection) {
    const elsewhere = w.core.state.connections.find((c) => c.name.toLowerCase() === name.toLowerCase());
    const where = elsewhere ? findEnvironment(w.core, elsewhere.environmentId).displayName : undefined;
    throw apiError(
      400,
      '0x80040203',
      where
        ? `The connection '${name}' belongs to environment '${where}'; a connection reference can be bound only to a connection of its own environment.`
        : `The connection '${name}' was not found in this environment.`,
    );
  }
  const connector = connectorId.split('/').pop() ?? '';
  if (connector.toLowerCase() !== connection.connector.toLowerCase()) {
    throw apiError(
      400,
      '0x80040203',
      `The connection '${name}' is a connection of '${connection.connector}', but the connection reference is for '${connector}'.`,
    );
  }
  if (!canUseConnection(w.core, connection, w.ctx.caller.oid)) {
    throw apiError(
      403,
      '0x80040220',
      `The caller with object id '${w.ctx.caller.oid}' may not use the connection '${name}': only its owner and those it is shared with can bind it to a connection reference.`,
    );
  }
  return connection;
}

const BIND = 'ownerid@odata.bind';

function updateWorkflow(w: Write): void {
  const type = ENTITY_SETS.workflows;
  checkNames(w.body, type, [BIND]);
  const row = w.org.workflows.find((r) => r.workflowid.toLowerCase() === w.id);
  if (!row) throw rowNotFound(type.logicalName, w.id);
  if (!(BIND in w.body)) return;
  requirePrivilege(w, row.ownerid, 'prvAssignWorkflow');
  const target = String(w.body[BIND] ?? '');
  const key = /(?:^|\/)systemusers\(([0-9a-fA-F-]{36})\)$/i.exec(target)?.[1];
  if (!key) {
    throw apiError(
      400,
      '0x80040203',
      `ownerid@odata.bind must name a user as /systemusers(<id>) (the demo tenant has no teams), not '${target}'.`,
    );
  }
  const owner = w.org.systemUsers.find((u) => u.systemuserid.toLowerCase() === key.toLowerCase());
  if (!owner) throw rowNotFound('systemuser', key);
  if (owner.isdisabled) {
    throw apiError(
      400,
      '0x80040225',
      `The user with SystemUserId=${owner.systemuserid} is disabled. Records cannot be assigned to a disabled user.`,
    );
  }
  row.ownerid = owner.systemuserid;
  row.modifiedon = w.core.now().toISOString();
  followOnFlowApi(w.core, row.workflowid, owner);
}

/**
 * A solution flow's owner on the Flow API is its Dataverse owner: the new owner replaces the old one there (and is
 * no longer listed as a co-owner besides); the creator stays the creator.
 */
function followOnFlowApi(core: EmulatorCore, workflowId: string, owner: DvSystemUser): void {
  const flow = core.state.flows.find((f) => f.workflowId?.toLowerCase() === workflowId.toLowerCase());
  const principalId = owner.azureactivedirectoryobjectid;
  if (!flow || !principalId) return;
  const principalType = owner.applicationid ? 'ServicePrincipal' : 'User';
  flow.owners = [
    { principalId, principalType, roleName: 'Owner' },
    ...flow.owners.filter((o) => o.roleName !== 'Owner' && o.principalId !== principalId),
  ];
  flow.lastModifiedTime = core.now().toISOString();
}

function rowView(org: DataverseOrg, set: string, id: string): Record<string, unknown> {
  if (set === 'connectionreferences') {
    const r = org.connectionReferences.find((row) => row.connectionreferenceid.toLowerCase() === id)!;
    return project(
      {
        connectionreferenceid: r.connectionreferenceid,
        connectionreferencelogicalname: r.connectionreferencelogicalname,
        connectionreferencedisplayname: r.connectionreferencedisplayname,
        connectionid: r.connectionid,
        connectorid: r.connectorid,
        description: r.description,
        _ownerid_value: r.ownerid,
        modifiedon: r.modifiedon,
      },
      ENTITY_SETS.connectionreferences,
      undefined,
      [],
    );
  }
  const wf = org.workflows.find((row) => row.workflowid.toLowerCase() === id)!;
  return {
    workflowid: wf.workflowid,
    name: wf.name,
    statecode: wf.statecode,
    _ownerid_value: wf.ownerid,
    modifiedon: wf.modifiedon,
  };
}
