/**
 * Dataverse Web API per org under `/dataverse/{org}/api/data/v9.2/`: connectionreferences, solutions (publisher
 * prefix through `$expand=publisherid($select=customizationprefix)`, which adds the expanded `publisherid`
 * object; `_publisherid_value` is always there and `publishers` is served too), solutioncomponents, systemusers
 * with `systemusers({id})/systemuserroles_association`, roles and workflows. Paging: `Prefer:
 * odata.maxpagesize=N` (default and cap 5,000) and `@odata.nextLink` with an opaque $skiptoken (no $skip).
 * `$filter` supports `field eq value` joined by `and`; `$select`, `$expand` and `$filter` may name only the entity
 * type's real properties (dataverseSchema.ts), and `$select` returns the selected columns only, as the service does.
 * One row by key: `{set}({id})`. Updates (PATCH of connection references and workflows): dataverseWrites.ts.
 * The caller must be a user of the org (a systemuser with its Entra object id, or an application user).
 */
import type { EmulatorCore } from './core';
import { apiError, ok, type Reply, type RequestContext } from './http';
import { ENTITY_SETS, parseExpand, parseSelect, project, unknownProperty, type EntityType } from './dataverseSchema';
import { matchesAll, parseEqFilter } from './odataFilter';
import { pageOf } from './paging';
import { route, type Route } from './route';
import { updateRow } from './dataverseWrites';
import type { DataverseOrg, DvSystemUser } from './tenantState';

const BASE = '/dataverse/:org/api/data/v9.2';
const MAX_PAGE = 5000;

export function dataverseRoutes(): Route[] {
  return [
    route('dataverse', 'query', 'GET', `${BASE}/:set`, query),
    route('dataverse', 'userRoles', 'GET', `${BASE}/:set/:nav`, query),
    route('dataverse', 'update', 'PATCH', `${BASE}/:set`, updateRow),
  ];
}

type Row = Record<string, unknown>;

/** The org the request names, with the caller's systemuser row (a caller who is not a user of the org is refused). */
export function orgOf(
  ctx: RequestContext,
  core: EmulatorCore,
): { org: DataverseOrg; orgUrl: string; member: DvSystemUser; environmentId: string } {
  const env = core.state.environments.find((e) => e.dataverse.orgName.toLowerCase() === ctx.params.org.toLowerCase());
  if (!env) throw apiError(404, '0x80040217', `The organization '${ctx.params.org}' does not exist.`);
  const org = env.dataverse;
  const member = org.systemUsers.find(
    (u) =>
      !u.isdisabled &&
      (u.azureactivedirectoryobjectid === ctx.caller.oid ||
        (ctx.caller.kind === 'app' && u.applicationid === ctx.caller.appId)),
  );
  if (!member) {
    throw apiError(403, '0x80072560', `The user is not a member of the organization. Caller '${ctx.caller.oid}'.`);
  }
  return { org, orgUrl: `${core.urls.dataverseBase}/${org.orgName}`, member, environmentId: env.name };
}

function query(ctx: RequestContext, core: EmulatorCore): Reply {
  const { org, orgUrl } = orgOf(ctx, core);
  const set = ctx.params.set;
  const nav = ctx.params.nav;
  let rows: Row[];
  let context: string;
  let type: EntityType;
  if (nav) {
    const key = /^systemusers\(([0-9a-fA-F-]{36})\)$/i.exec(set)?.[1];
    if (!key || nav.toLowerCase() !== 'systemuserroles_association') throw segmentNotFound(`${set}/${nav}`);
    const user = org.systemUsers.find((u) => u.systemuserid.toLowerCase() === key.toLowerCase());
    if (!user) throw apiError(404, '0x80040217', `systemuser With Id = ${key} Does Not Exist`);
    rows = user.roleIds
      .map((id) => org.roles.find((r) => r.roleid === id))
      .filter((r) => !!r)
      .map((r) => ({ roleid: r!.roleid, name: r!.name }));
    context = 'roles';
    type = ENTITY_SETS.roles;
  } else if (KEYED.test(set)) {
    return single(ctx, org, orgUrl);
  } else {
    const known = ENTITY_SETS[set.toLowerCase()];
    if (!known) throw segmentNotFound(set);
    type = known;
    context = set.toLowerCase();
    rows = entitySet(org, context, ctx.query.get('$expand'));
  }
  // Every name in $select, $expand and $filter must be a property of the entity type, as the service checks.
  const select = parseSelect(ctx.query.get('$select'), type);
  const expanded = parseExpand(ctx.query.get('$expand'), type).map((e) => e.navigation);
  const filter = ctx.query.get('$filter');
  const clauses = parseEqFilter(filter);
  if (!clauses)
    throw apiError(400, '0x80060888', `The query option $filter=${filter ?? ''} is not supported by this emulator.`);
  const unknown = clauses.find((c) => !type.properties.has(c.field));
  if (unknown) throw unknownProperty(unknown.field, type);
  const matching = clauses.length ? rows.filter((r) => matchesAll(r, clauses)) : rows;
  const size = maxPageSize(ctx);
  const { page, nextLink } = pageOf(matching, ctx.url, size);
  return ok(
    {
      '@odata.context': `${orgUrl}/api/data/v9.2/$metadata#${context}`,
      value: page.map((row) => project(row, type, select, expanded)),
      ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
    },
    200,
    {
      'OData-Version': '4.0',
      ...(ctx.req.headers.prefer ? { 'Preference-Applied': `odata.maxpagesize=${size}` } : {}),
    },
  );
}

/** `connectionreferences(<guid>)`: one row by its primary key. */
const KEYED = /^([a-z_]+)\(([0-9a-fA-F-]{36})\)$/;

/** GET of one row by key (`{set}({id})`): the row, projected by $select, or 404 as Dataverse answers it. */
function single(ctx: RequestContext, org: DataverseOrg, orgUrl: string): Reply {
  const [, name, key] = KEYED.exec(ctx.params.set)!;
  const set = name.toLowerCase();
  const type = ENTITY_SETS[set];
  if (!type) throw segmentNotFound(ctx.params.set);
  const select = parseSelect(ctx.query.get('$select'), type);
  const expanded = parseExpand(ctx.query.get('$expand'), type).map((e) => e.navigation);
  const row = entitySet(org, set, ctx.query.get('$expand')).find(
    (r) => String(r[type.primaryKey]).toLowerCase() === key.toLowerCase(),
  );
  if (!row) throw rowNotFound(type.logicalName, key);
  return ok(
    { '@odata.context': `${orgUrl}/api/data/v9.2/$metadata#${set}/$entity`, ...project(row, type, select, expanded) },
    200,
    { 'OData-Version': '4.0' },
  );
}

export function rowNotFound(logicalName: string, key: string): Error {
  return apiError(404, '0x80040217', `${logicalName} With Id = ${key} Does Not Exist`);
}

function maxPageSize(ctx: RequestContext): number {
  const prefer = String(ctx.req.headers.prefer ?? '');
  const match = /odata\.maxpagesize=(\d+)/i.exec(prefer);
  const n = match ? Number(match[1]) : MAX_PAGE;
  return Math.max(1, Math.min(MAX_PAGE, n));
}

function segmentNotFound(segment: string): Error {
  return apiError(404, '0x8006088a', `Resource not found for the segment '${segment}'.`);
}

function entitySet(org: DataverseOrg, set: string, expand: string | undefined): Row[] {
  const etag = (n: number) => `W/"${1000 + n}"`;
  switch (set) {
    case 'connectionreferences':
      return org.connectionReferences.map((r, i) => ({
        '@odata.etag': etag(i),
        connectionreferenceid: r.connectionreferenceid,
        connectionreferencelogicalname: r.connectionreferencelogicalname,
        connectionreferencedisplayname: r.connectionreferencedisplayname,
        connectionid: r.connectionid,
        connectorid: r.connectorid,
        _customconnectorid_value: r.customconnectorid,
        description: r.description,
        statecode: 0,
        statuscode: 1,
        ismanaged: r.ismanaged,
        _ownerid_value: r.ownerid,
        createdon: r.createdon,
        modifiedon: r.modifiedon,
      }));
    case 'solutions':
      return org.solutions.map((s, i) => {
        const publisher = org.publishers.find((p) => p.publisherid === s.publisherid);
        return {
          '@odata.etag': etag(i),
          solutionid: s.solutionid,
          uniquename: s.uniquename,
          friendlyname: s.friendlyname,
          ismanaged: s.ismanaged,
          isvisible: true,
          version: s.version,
          _publisherid_value: s.publisherid,
          ...(expand && /publisherid/i.test(expand)
            ? {
                publisherid: {
                  publisherid: s.publisherid,
                  customizationprefix: publisher?.customizationprefix ?? null,
                },
              }
            : {}),
        };
      });
    case 'publishers':
      return org.publishers.map((p, i) => ({ '@odata.etag': etag(i), ...p }));
    case 'solutioncomponents':
      return org.solutionComponents.map((c) => ({
        solutioncomponentid: c.solutioncomponentid,
        componenttype: c.componenttype,
        objectid: c.objectid,
        _solutionid_value: c.solutionid,
        rootcomponentbehavior: 0,
      }));
    case 'systemusers':
      return org.systemUsers.map((u, i) => ({
        '@odata.etag': etag(i),
        systemuserid: u.systemuserid,
        fullname: u.fullname,
        domainname: u.domainname,
        applicationid: u.applicationid,
        azureactivedirectoryobjectid: u.azureactivedirectoryobjectid,
        isdisabled: u.isdisabled,
        accessmode: u.accessmode,
      }));
    case 'roles':
      return org.roles.map((r) => ({ roleid: r.roleid, name: r.name }));
    case 'workflows':
      return org.workflows.map((w, i) => ({
        '@odata.etag': etag(i),
        workflowid: w.workflowid,
        name: w.name,
        category: w.category,
        type: 1,
        primaryentity: 'none',
        statecode: w.statecode,
        statuscode: w.statecode === 1 ? 2 : 1,
        _ownerid_value: w.ownerid,
        clientdata: w.clientdata,
        ismanaged: w.ismanaged,
        createdon: w.createdon,
        modifiedon: w.modifiedon,
      }));
    default:
      throw segmentNotFound(set);
  }
}
