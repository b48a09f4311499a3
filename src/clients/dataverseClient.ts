/**
 * DataversePort over each environment's Web API (`{orgUrl}/api/data/v9.2/`), one token scope and one concurrency
 * limit per org (Dataverse's service protection counts per user per server). Paging is server-driven: the page size
 * goes in `Prefer: odata.maxpagesize` and the next page comes from `@odata.nextLink` (Dataverse has no $skip).
 * Writes: a connection reference's connection and a solution flow's owner (PATCH, If-Match: *).
 */
import type {
  ApplicationUser,
  ConnectionReference,
  Environment,
  Solution,
  SolutionComponent,
  SolutionFlow,
  SystemUser,
} from '../tenant/model';
import { TenantApiError } from '../tenant/errors';
import { pagedList, type PagedList } from '../tenant/pagedList';
import type { DataversePort } from '../tenant/ports';
import { trimSlash } from './endpoints';
import type { ApiClient } from './httpClient';
import {
  mapApplicationUser,
  mapConnectionReference,
  mapRole,
  mapSolution,
  mapSolutionComponent,
  mapSolutionFlow,
  mapSystemUser,
  type WireConnectionReference,
  type WireRole,
  type WireSolution,
  type WireSolutionComponent,
  type WireSystemUser,
  type WireWorkflow,
} from './mapDataverse';
import { withQuery } from './odata';
import { paginatePages } from './paginate';

const ODATA_HEADERS = { 'OData-MaxVersion': '4.0', 'OData-Version': '4.0' };
/** The custom connector is a lookup, selected as `_customconnectorid_value` (there is no `customconnectorid`). */
const REFERENCE_SELECT =
  'connectionreferenceid,connectionreferencelogicalname,connectionreferencedisplayname,connectionid,connectorid,_customconnectorid_value,ismanaged,_ownerid_value';
const WORKFLOW_SELECT = 'workflowid,name,statecode,_ownerid_value,clientdata';
/** Dataverse caps a page at 5,000 rows. */
const MAX_PAGE_SIZE = 5000;
const WORKFLOW_CATEGORY_CLOUD_FLOW = 5;
/** systemuser.accessmode of application users (non-interactive). */
const ACCESS_MODE_NON_INTERACTIVE = 4;

export class DataverseClient implements DataversePort {
  private readonly pageSize: number;

  /** `apiFor(orgUrl)` returns the client for one org, with scope `{orgUrl}/.default`. */
  constructor(
    private readonly apiFor: (orgUrl: string) => ApiClient,
    options: { pageSize?: number } = {},
  ) {
    this.pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, options.pageSize ?? 500));
  }

  listConnectionReferences(environment: Environment): PagedList<ConnectionReference> {
    return this.list<WireConnectionReference, ConnectionReference>(
      environment,
      'connectionreferences',
      { $select: REFERENCE_SELECT },
      (row) => mapConnectionReference(row),
    );
  }

  listSolutions(environment: Environment): PagedList<Solution> {
    return this.list<WireSolution, Solution>(
      environment,
      'solutions',
      { $select: 'solutionid,uniquename,friendlyname,ismanaged', $expand: 'publisherid($select=customizationprefix)' },
      (row) => mapSolution(row),
    );
  }

  listSolutionComponents(environment: Environment, solutionId: string): PagedList<SolutionComponent> {
    return this.list<WireSolutionComponent, SolutionComponent>(
      environment,
      'solutioncomponents',
      // A function, so that an id that is not a GUID fails the read, not the call that makes the list.
      () => ({
        $select: 'componenttype,objectid,_solutionid_value',
        $filter: `_solutionid_value eq ${guid(solutionId)}`,
      }),
      (row) => mapSolutionComponent(row, solutionId),
    );
  }

  /** The application users of a page have their roles read side by side (each is a request of its own). */
  listApplicationUsers(environment: Environment): PagedList<ApplicationUser> {
    const pages = () =>
      this.rows<WireSystemUser>(environment, 'systemusers', {
        $select: 'systemuserid,applicationid,fullname,isdisabled,accessmode',
        $filter: `accessmode eq ${ACCESS_MODE_NON_INTERACTIVE}`,
      });
    const rolesOf = async (row: WireSystemUser): Promise<ApplicationUser> => {
      const roles: WireRole[] = [];
      for await (const rolePage of this.rows<WireRole>(
        environment,
        `systemusers(${guid(row.systemuserid)})/systemuserroles_association`,
        { $select: 'name,roleid' },
      )) {
        roles.push(...rolePage);
      }
      return mapApplicationUser(row, roles.map(mapRole));
    };
    return pagedList(async function* () {
      for await (const page of pages()) {
        yield await Promise.all(page.filter((row) => row.applicationid).map(rolesOf));
      }
    });
  }

  listSolutionFlows(environment: Environment): PagedList<SolutionFlow> {
    return this.list<WireWorkflow, SolutionFlow>(
      environment,
      'workflows',
      { $select: WORKFLOW_SELECT, $filter: `category eq ${WORKFLOW_CATEGORY_CLOUD_FLOW}` },
      (row) => mapSolutionFlow(row),
    );
  }

  /** The rows of one entity set, each mapped as its page arrives. */
  private list<W, T>(
    environment: Environment,
    path: string,
    query: Record<string, string> | (() => Record<string, string>),
    map: (row: W) => T,
  ): PagedList<T> {
    const pages = () => this.rows<W>(environment, path, typeof query === 'function' ? query() : query);
    return pagedList(async function* () {
      for await (const page of pages()) yield page.map(map);
    });
  }

  async getConnectionReference(
    environment: Environment,
    referenceId: string,
  ): Promise<ConnectionReference | undefined> {
    const row = await this.row<WireConnectionReference>(environment, `connectionreferences(${guid(referenceId)})`, {
      $select: REFERENCE_SELECT,
    });
    return row ? mapConnectionReference(row) : undefined;
  }

  async bindConnectionReference(
    environment: Environment,
    referenceId: string,
    connectionName: string | null,
  ): Promise<void> {
    await this.update(environment, `connectionreferences(${guid(referenceId)})`, { connectionid: connectionName });
  }

  async findSystemUser(environment: Environment, entraObjectId: string): Promise<SystemUser | undefined> {
    for await (const page of this.rows<WireSystemUser>(environment, 'systemusers', {
      $select: 'systemuserid,fullname,isdisabled,applicationid,azureactivedirectoryobjectid',
      $filter: `azureactivedirectoryobjectid eq ${entraId(entraObjectId)}`,
    })) {
      if (page[0]) return mapSystemUser(page[0]);
    }
    return undefined;
  }

  async getSolutionFlow(environment: Environment, workflowId: string): Promise<SolutionFlow | undefined> {
    const row = await this.row<WireWorkflow>(environment, `workflows(${guid(workflowId)})`, {
      $select: WORKFLOW_SELECT,
    });
    return row ? mapSolutionFlow(row) : undefined;
  }

  async setSolutionFlowOwner(environment: Environment, workflowId: string, systemUserId: string): Promise<void> {
    await this.update(environment, `workflows(${guid(workflowId)})`, {
      'ownerid@odata.bind': `/systemusers(${guid(systemUserId)})`,
    });
  }

  /** One row by key; undefined on 404 (no such row). */
  private async row<T>(environment: Environment, path: string, query: Record<string, string>): Promise<T | undefined> {
    const orgUrl = this.orgUrl(environment);
    return this.apiFor(orgUrl).find<T>(withQuery(`${orgUrl}/api/data/v9.2/${path}`, query), {
      operation: `get ${path.split('(')[0]}`,
      headers: ODATA_HEADERS,
    });
  }

  /**
   * PATCH of the given columns. `If-Match: *` keeps it an update: without it a PATCH of a row that is gone would
   * create one (Dataverse upserts). Setting the same values twice has the same effect, so it is retried like a GET.
   */
  private async update(environment: Environment, path: string, columns: Record<string, unknown>): Promise<void> {
    const orgUrl = this.orgUrl(environment);
    await this.apiFor(orgUrl).request({
      method: 'PATCH',
      url: `${orgUrl}/api/data/v9.2/${path}`,
      operation: `update ${path.split('(')[0]}`,
      body: columns,
      headers: { ...ODATA_HEADERS, 'If-Match': '*' },
      idempotent: true,
    });
  }

  private orgUrl(environment: Environment): string {
    if (!environment.dataverseUrl) {
      throw new TenantApiError({
        message: `The environment '${environment.displayName}' has no Dataverse.`,
        code: 'NoDataverse',
        kind: 'badRequest',
        api: 'dataverse',
      });
    }
    return trimSlash(environment.dataverseUrl);
  }

  /** Rows of one entity set, page by page; an environment without Dataverse has none. */
  private async *rows<T>(environment: Environment, path: string, query: Record<string, string>): AsyncGenerator<T[]> {
    if (!environment.dataverseUrl) return;
    const orgUrl = trimSlash(environment.dataverseUrl);
    const url = withQuery(`${orgUrl}/api/data/v9.2/${path}`, query);
    yield* paginatePages<T>(this.apiFor(orgUrl), url, {
      operation: `list ${path.split('(')[0]}`,
      headers: { Prefer: `odata.maxpagesize=${this.pageSize}`, ...ODATA_HEADERS },
    });
  }
}

/** Dataverse keys are GUIDs, written bare in $filter and key segments; refuse anything else. */
function guid(value: string): string {
  if (!/^[0-9a-fA-F-]{36}$/.test(value)) throw new Error(`not a Dataverse id: ${JSON.stringify(value)}`);
  return value;
}

/**
 * An Entra object id, written bare in $filter like any GUID. The demo tenant's user ids (the Agents Playground's
 * mock users) carry a 13th digit in their last group, so that one is let through too.
 */
function entraId(value: string): string {
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12,13}$/.test(value)) {
    throw new Error(`not an Entra object id: ${JSON.stringify(value)}`);
  }
  return value;
}
