/**
 * DataversePort over each environment's Web API (`{orgUrl}/api/data/v9.2/`), one token scope and one concurrency
 * limit per org (Dataverse's service protection counts per user per server). Paging is server-driven: the page size
 * goes in `Prefer: odata.maxpagesize` and the next page comes from `@odata.nextLink` (Dataverse has no $skip).
 */
import type {
  ApplicationUser,
  ConnectionReference,
  Environment,
  Solution,
  SolutionComponent,
  SolutionFlow,
} from '../tenant/model';
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
  type WireConnectionReference,
  type WireRole,
  type WireSolution,
  type WireSolutionComponent,
  type WireSystemUser,
  type WireWorkflow,
} from './mapDataverse';
import { withQuery } from './odata';
import { paginatePages } from './paginate';

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

  /** The custom connector is a lookup, selected as `_customconnectorid_value` (there is no `customconnectorid`). */
  async *listConnectionReferences(environment: Environment): AsyncIterable<ConnectionReference> {
    for await (const page of this.rows<WireConnectionReference>(environment, 'connectionreferences', {
      $select:
        'connectionreferenceid,connectionreferencelogicalname,connectionreferencedisplayname,connectionid,connectorid,_customconnectorid_value,ismanaged,_ownerid_value',
    })) {
      for (const row of page) yield mapConnectionReference(row);
    }
  }

  async *listSolutions(environment: Environment): AsyncIterable<Solution> {
    for await (const page of this.rows<WireSolution>(environment, 'solutions', {
      $select: 'solutionid,uniquename,friendlyname,ismanaged',
      $expand: 'publisherid($select=customizationprefix)',
    })) {
      for (const row of page) yield mapSolution(row);
    }
  }

  async *listSolutionComponents(environment: Environment, solutionId: string): AsyncIterable<SolutionComponent> {
    for await (const page of this.rows<WireSolutionComponent>(environment, 'solutioncomponents', {
      $select: 'componenttype,objectid,_solutionid_value',
      $filter: `_solutionid_value eq ${guid(solutionId)}`,
    })) {
      for (const row of page) yield mapSolutionComponent(row, solutionId);
    }
  }

  async *listApplicationUsers(environment: Environment): AsyncIterable<ApplicationUser> {
    for await (const page of this.rows<WireSystemUser>(environment, 'systemusers', {
      $select: 'systemuserid,applicationid,fullname,isdisabled,accessmode',
      $filter: `accessmode eq ${ACCESS_MODE_NON_INTERACTIVE}`,
    })) {
      for (const row of page) {
        if (!row.applicationid) continue;
        const roles: WireRole[] = [];
        for await (const rolePage of this.rows<WireRole>(
          environment,
          `systemusers(${guid(row.systemuserid)})/systemuserroles_association`,
          { $select: 'name,roleid' },
        )) {
          roles.push(...rolePage);
        }
        yield mapApplicationUser(row, roles.map(mapRole));
      }
    }
  }

  async *listSolutionFlows(environment: Environment): AsyncIterable<SolutionFlow> {
    for await (const page of this.rows<WireWorkflow>(environment, 'workflows', {
      $select: 'workflowid,name,statecode,_ownerid_value,clientdata',
      $filter: `category eq ${WORKFLOW_CATEGORY_CLOUD_FLOW}`,
    })) {
      for (const row of page) yield mapSolutionFlow(row);
    }
  }

  /** Rows of one entity set, page by page; an environment without Dataverse has none. */
  private async *rows<T>(environment: Environment, path: string, query: Record<string, string>): AsyncGenerator<T[]> {
    if (!environment.dataverseUrl) return;
    const orgUrl = trimSlash(environment.dataverseUrl);
    const url = withQuery(`${orgUrl}/api/data/v9.2/${path}`, query);
    yield* paginatePages<T>(this.apiFor(orgUrl), url, {
      operation: `list ${path.split('(')[0]}`,
      headers: { Prefer: `odata.maxpagesize=${this.pageSize}`, 'OData-MaxVersion': '4.0', 'OData-Version': '4.0' },
    });
  }
}

/** Dataverse keys are GUIDs, written bare in $filter and key segments; refuse anything else. */
function guid(value: string): string {
  if (!/^[0-9a-fA-F-]{36}$/.test(value)) throw new Error(`not a Dataverse id: ${JSON.stringify(value)}`);
  return value;
}
