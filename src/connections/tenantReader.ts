/**
 * The reads of one turn: every resource fetched at most once (memoised by key), all through one bounded limiter,
 * and failures turned into "gaps" — what could not be checked and why — instead of exceptions, so a view can show
 * what it could and say what it could not.
 */
import { getLogger } from '../logging/logger';
import { describeError, isTenantApiError } from '../tenant/errors';
import type {
  AppRegistration,
  ApplicationUser,
  CanvasApp,
  Connection,
  ConnectionPermission,
  ConnectionReference,
  Environment,
  Flow,
  FlowOwner,
  FlowRun,
  Solution,
  SolutionComponent,
  SolutionFlow,
  User,
} from '../tenant/model';
import type { TenantPorts } from '../tenant/ports';
import { createLimiter, type Limiter } from './boundedParallel';

const log = getLogger('connections');

export interface Gap {
  /** What could not be checked, in words ("connections in Contoso PROD"). */
  what: string;
  /** Why, in words (describeError's short form: "the service is busy (throttled)"). */
  reason: string;
}

export const DEFAULT_READ_CONCURRENCY = 24;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export class TenantReader {
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly gapList: Gap[] = [];
  private readonly limit: Limiter;

  constructor(
    readonly tenant: TenantPorts,
    concurrency = DEFAULT_READ_CONCURRENCY,
  ) {
    this.limit = createLimiter(concurrency);
  }

  get gaps(): Gap[] {
    return [...this.gapList];
  }

  /** Runs `read` once per key; on failure records a gap and resolves undefined. */
  read<T>(key: string, what: string, read: () => Promise<T>): Promise<T | undefined> {
    let pending = this.memo.get(key) as Promise<T | undefined> | undefined;
    if (!pending) {
      pending = this.limit(read).catch((error: unknown) => {
        if (!isTenantApiError(error)) log.error({ err: error, what }, 'unexpected error while reading the tenant');
        else log.warn({ what, code: error.code, kind: error.kind }, 'could not read from the tenant');
        if (!this.gapList.some((g) => g.what === what)) this.gapList.push({ what, reason: describeError(error).short });
        return undefined;
      });
      this.memo.set(key, pending);
    }
    return pending;
  }

  environments(): Promise<Environment[] | undefined> {
    return this.read('environments', 'the list of environments', () => this.tenant.connections.listEnvironments());
  }

  connections(environment: Environment): Promise<Connection[] | undefined> {
    return this.read(`connections:${environment.id}`, `connections in ${environment.displayName}`, () =>
      collect(this.tenant.connections.listConnections(environment.id)),
    );
  }

  permissions(connection: Connection, environmentName: string): Promise<ConnectionPermission[] | undefined> {
    return this.read(
      `permissions:${connection.environmentId}:${connection.name}`,
      `who may use ${connection.displayName} (${environmentName})`,
      () => this.tenant.connections.listPermissions(connection.environmentId, connection.connector, connection.name),
    );
  }

  flows(environment: Environment): Promise<Flow[] | undefined> {
    return this.read(`flows:${environment.id}`, `flows in ${environment.displayName}`, () =>
      collect(this.tenant.flows.listFlows(environment.id)),
    );
  }

  flowOwners(flow: Flow, environmentName: string): Promise<FlowOwner[] | undefined> {
    return this.read(
      `flowOwners:${flow.environmentId}:${flow.id}`,
      `the owners of ${flow.displayName} (${environmentName})`,
      () => this.tenant.flows.listFlowOwners(flow.environmentId, flow.id),
    );
  }

  canvasApps(environment: Environment): Promise<CanvasApp[] | undefined> {
    return this.read(`canvasApps:${environment.id}`, `canvas apps in ${environment.displayName}`, () =>
      collect(this.tenant.apps.listCanvasApps(environment.id)),
    );
  }

  /** The flow's newest run; null when it has none in the run history; undefined when it could not be read. */
  latestRun(flow: Pick<Flow, 'environmentId' | 'id'>): Promise<FlowRun | null | undefined> {
    // One gap for every run that could not be read: the card says which flows show none.
    return this.read(`latestRun:${flow.environmentId}:${flow.id}`, 'the last runs of some flows', async () => {
      return (await this.tenant.flows.latestRun(flow.environmentId, flow.id)) ?? null;
    });
  }

  references(environment: Environment): Promise<ConnectionReference[] | undefined> {
    if (!environment.dataverseUrl) return Promise.resolve([]);
    return this.read(`references:${environment.id}`, `connection references in ${environment.displayName}`, () =>
      collect(this.tenant.dataverse.listConnectionReferences(environment)),
    );
  }

  solutions(environment: Environment): Promise<Solution[] | undefined> {
    if (!environment.dataverseUrl) return Promise.resolve([]);
    return this.read(`solutions:${environment.id}`, `solutions in ${environment.displayName}`, () =>
      collect(this.tenant.dataverse.listSolutions(environment)),
    );
  }

  solutionComponents(environment: Environment, solution: Solution): Promise<SolutionComponent[] | undefined> {
    return this.read(
      `components:${environment.id}:${solution.id}`,
      `the contents of ${solution.friendlyName} (${environment.displayName})`,
      () => collect(this.tenant.dataverse.listSolutionComponents(environment, solution.id)),
    );
  }

  solutionFlows(environment: Environment): Promise<SolutionFlow[] | undefined> {
    if (!environment.dataverseUrl) return Promise.resolve([]);
    return this.read(`solutionFlows:${environment.id}`, `solution flows in ${environment.displayName}`, () =>
      collect(this.tenant.dataverse.listSolutionFlows(environment)),
    );
  }

  applicationUsers(environment: Environment): Promise<ApplicationUser[] | undefined> {
    if (!environment.dataverseUrl) return Promise.resolve([]);
    return this.read(`appUsers:${environment.id}`, `application users in ${environment.displayName}`, () =>
      collect(this.tenant.dataverse.listApplicationUsers(environment)),
    );
  }

  applications(): Promise<AppRegistration[] | undefined> {
    return this.read('applications', 'app registrations and their credentials', () =>
      collect(this.tenant.directory.listApplications()),
    );
  }

  applicationOwnerIds(app: AppRegistration): Promise<string[] | undefined> {
    return this.read(`appOwners:${app.id}`, `the owners of ${app.displayName}`, () =>
      this.tenant.directory.listApplicationOwnerIds(app.id),
    );
  }

  users(): Promise<User[] | undefined> {
    return this.read('users', 'the directory users', () => collect(this.tenant.directory.listUsers()));
  }

  user(id: string): Promise<User | undefined> {
    return this.read(`user:${id.toLowerCase()}`, 'account status of connection owners', () =>
      this.tenant.directory.getUser(id),
    );
  }

  groupMemberIds(groupId: string): Promise<string[] | undefined> {
    return this.read(`group:${groupId}`, 'group memberships', () => this.tenant.directory.listGroupMemberIds(groupId));
  }
}
