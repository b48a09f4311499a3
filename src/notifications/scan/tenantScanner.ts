/**
 * Streams the whole tenant through the governance rules registered in src/connections/findings/rules.ts without
 * holding it: each environment is read (connections, flows, references, solutions, solution flows, application
 * users), run through the rules of scope `environment` and dropped, keeping only the findings, who they concern,
 * and the little the `directory` rules still need (service-principal connections, application users). App
 * registrations are kept trimmed to their credentials. Each finding's scope and people come from its `about` and
 * its rule's `stakeholders`.
 *
 * Reads run with bounded concurrency (two lanes: environments, app owner look-ups) on top of the clients' own
 * per-API limits and 429 retries. Owner look-ups (20 apps per Graph $batch) start while the app registrations are
 * still being paged, so the Graph work overlaps the page chain instead of following it. Whatever could not be read
 * is listed in `partial` and its scope is left unchecked, so nothing there is ever reported as fixed.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import pLimit, { type Limit } from 'p-limit';
import {
  ruleOptions,
  rulesIn,
  sortFindings,
  type Finding,
  type FindingAbout,
  type GovernanceRule,
  type RuleFinding,
  type RuleOptions,
} from '../../connections/findings';
import { lookups } from '../../connections/findings/snapshotLookups';
import {
  indexedConnection,
  indexedFlow,
  indexedPerson,
  indexedReference,
  indexedCanvasApp,
  type TenantIndexData,
} from '../../connections/tenantIndex';
import type {
  SnapshotApp,
  SnapshotApplicationUser,
  SnapshotReference,
  SnapshotSolution,
  SnapshotSolutionFlow,
  TenantSnapshot,
} from '../../connections/tenantSnapshot';
import { emptySnapshot } from '../../connections/tenantSnapshot';
import { getLogger } from '../../logging/logger';
import { describeError, isTenantApiError } from '../../tenant/errors';
import { forEachPage, readAll } from '../../tenant/pagedList';
import type { AppRegistration, CanvasApp, Connection, Environment, Flow, User } from '../../tenant/model';
import type { TenantPorts } from '../../tenant/ports';
import { APPS_STEP, type ScanProgress, type ScanProgressListener } from './scanProgress';

const log = getLogger('notifications');

/**
 * Environments read at once. Each holds one environment's rows in memory (about 500 connections at scale), and every
 * environment's connection pages are a chain, so this is also how many chains the Power Apps API serves in parallel:
 * 32 chains of ~6 pages at 25 ms read 200 environments in about a second. More bought nothing on the 2-core bench
 * machine, where the scan is CPU-bound, and cost memory and garbage collection (48: ~80 MB more peak RSS, ~10%
 * more scanner CPU).
 */
const DEFAULT_ENVIRONMENT_CONCURRENCY = 32;
/** Owner look-ups (batches of OWNER_BATCH apps) in flight; the HTTP layer's Graph limit applies on top. */
const DEFAULT_READ_CONCURRENCY = 16;
/** Apps whose owners are asked for in one request: Graph's $batch limit. */
const OWNER_BATCH = 20;

/** The scope of findings about app registrations (credentials); environments are `environment:<id>`. */
export const DIRECTORY_SCOPE = 'directory';
export const environmentScope = (environmentId: string): string => `environment:${environmentId}`;
/** The scope a finding is in: its environment, or the directory for what lives there (app registrations). */
export const scopeOfAbout = (about: FindingAbout): string =>
  about.environmentId !== undefined ? environmentScope(about.environmentId) : DIRECTORY_SCOPE;
/** Apps whose rules run together (and whose lookups are built together) before the chat turns get a turn. */
const APP_BATCH = 200;

export interface TenantScan {
  findings: Finding[];
  /** What could not be checked, in words. */
  partial: string[];
  /** Scopes read completely; a finding in any other scope cannot be declared fixed. */
  checkedScopes: Set<string>;
  /** finding id → its scope. */
  scopeOf: Map<string, string>;
  /** finding id → Entra ids of the people it concerns (connection owner, flow makers, app owners…). */
  stakeholders: Map<string, string[]>;
  /** finding id → makers who get a personal note even without subscribing (their connection broke, their flow is at risk). */
  makerAlerts: Map<string, string[]>;
  /** Directory users met during the scan, by lower-case id (for UPNs and names). */
  users: Map<string, User>;
  /**
   * The owners the scan read (apps with a credential in its window, apps of reported application users), by the
   * app's lower-case object id: a digest offers [Rotate] only to whom the rotation request accepts. Absent or
   * missing an app: not read by this scan.
   */
  appOwners?: Map<string, { displayName: string; ownerIds: string[] }>;
  /** Who owns which connection and flow, as read by this scan: per-user turns look their items up here. */
  index?: TenantIndexData;
  /** The same, encoded (encodeTenantIndex), when the scan ran in a worker thread and handed it over as bytes. */
  encodedIndex?: Uint8Array;
}

export interface ScanOptions {
  now: Date;
  /** Credentials expiring within this many days are findings (the largest threshold anyone asked for). */
  withinDays: number;
  /** Environments read at the same time. */
  environmentConcurrency?: number;
  /** App owner look-ups (batches of 20 apps) at the same time (their own lane, so environments never queue behind them). */
  readConcurrency?: number;
  /** Told how far the scan has got (a few hundred times per scan at most); must not throw. */
  onProgress?: ScanProgressListener;
}

/** The registered rules as this scan runs them: by scope, with the options they share. */
interface ScanRules {
  environment: GovernanceRule[];
  directory: GovernanceRule[];
  options: RuleOptions;
}

interface EnvironmentLeftovers {
  spConnections: Connection[];
  applicationUsers: SnapshotApplicationUser[];
}

/** A credential as the scan keeps it (a module function: a closure per app would be garbage per app). */
const keepCredential = (c: { keyId: string; displayName?: string; endDateTime?: string }) => ({
  keyId: c.keyId,
  displayName: c.displayName,
  endDateTime: c.endDateTime,
});

/** Credentials, ids and name only: hints and other fields are not needed and not kept. */
function trimApp(app: AppRegistration): SnapshotApp {
  return {
    id: app.id,
    appId: app.appId,
    displayName: app.displayName,
    passwordCredentials: app.passwordCredentials.map(keepCredential),
    keyCredentials: app.keyCredentials.map(keepCredential),
    ownerIds: [],
  };
}

export class TenantScanner {
  private readonly ownerReads: Limit;
  private readonly environments: Limit;
  private readonly rules: ScanRules;

  constructor(
    private readonly tenant: TenantPorts,
    private readonly options: ScanOptions,
  ) {
    this.environments = pLimit(options.environmentConcurrency ?? DEFAULT_ENVIRONMENT_CONCURRENCY);
    this.ownerReads = pLimit(options.readConcurrency ?? DEFAULT_READ_CONCURRENCY);
    // Read from the registry when the scan is made, so a rule registered by then is run.
    this.rules = {
      environment: rulesIn('environment'),
      directory: rulesIn('directory'),
      options: ruleOptions({ withinDays: options.withinDays }),
    };
  }

  async scan(): Promise<TenantScan> {
    const index: TenantIndexData = {
      takenAt: this.options.now.toISOString(),
      environments: [],
      connections: [],
      flows: [],
      partialEnvironmentIds: [],
      references: [],
      solutions: [],
      canvasApps: [],
      canvasAppsUnreadEnvironmentIds: [],
    };
    const result: TenantScan & { index: TenantIndexData } = {
      findings: [],
      partial: [],
      checkedScopes: new Set(),
      scopeOf: new Map(),
      stakeholders: new Map(),
      makerAlerts: new Map(),
      users: new Map(),
      appOwners: new Map(),
      index,
    };
    const progress: ScanProgress = { phase: 'reading', environmentsRead: 0, appsRead: 0, appsComplete: false };
    const report = () => {
      try {
        this.options.onProgress?.({ ...progress });
      } catch (error) {
        // Showing progress must never cost the scan.
        log.warn({ err: error }, 'a scan progress listener failed');
      }
    };
    report();
    const gap = (what: string, error: unknown) => {
      if (!isTenantApiError(error)) log.error({ err: error, what }, 'unexpected error while scanning');
      else log.warn({ what, code: error.code, kind: error.kind }, 'could not read during the scan');
      result.partial.push(`${what}: ${describeError(error).short}`);
    };

    // Owners are read in groups of OWNER_BATCH apps (one Graph $batch request each), queued as the apps arrive.
    const ownersFetched = new Set<string>();
    const ownerReads: Promise<void>[] = [];
    let ownerBatch: SnapshotApp[] = [];
    const flushOwners = () => {
      if (!ownerBatch.length) return;
      const apps = ownerBatch;
      ownerBatch = [];
      const failed = (app: SnapshotApp, error: unknown) => gap(`the owners of ${app.displayName}`, error);
      ownerReads.push(
        this.ownerReads(() => this.tenant.directory.listOwnerIdsOfApplications(apps.map((a) => a.id))).then(
          (results) => {
            const byId = new Map(results.map((r) => [r.objectId, r]));
            for (const app of apps) {
              const read = byId.get(app.id);
              if (read?.ownerIds) {
                app.ownerIds = read.ownerIds;
                result.appOwners?.set(app.id.toLowerCase(), { displayName: app.displayName, ownerIds: read.ownerIds });
              } else failed(app, read?.error);
            }
          },
          (error: unknown) => apps.forEach((app) => failed(app, error)),
        ),
      );
    };
    const fetchOwners = (app: SnapshotApp) => {
      if (ownersFetched.has(app.id)) return;
      ownersFetched.add(app.id);
      ownerBatch.push(app);
      if (ownerBatch.length >= OWNER_BATCH) flushOwners();
    };
    // Owners cost one request per app, so they are read only for the apps a directory rule says it may report
    // with their owners (a credential expiring inside the window or recently expired; a credential expired long
    // ago is clutter, reported without its owner). Each app's look-up is queued as soon as its page arrives.
    const needsOwners = (app: SnapshotApp) => {
      // A loop, not .some with a closure: asked for each of the tenant's app registrations.
      for (const rule of this.rules.directory) {
        if (rule.ownersNeeded?.app?.(app, this.options.now, this.rules.options)) return true;
      }
      return false;
    };

    // The directory reads and the environments run side by side: an environment reads its rows at once and waits
    // for the users and app registrations only before its rules run (they name owners and explain service-principal
    // connections by their app's secrets), so the app registration page chain overlaps the environment reads.
    const usersRead = this.readUsers(result.users).then(
      () => true,
      (error: unknown) => {
        gap('the directory users (account status of owners)', error);
        return false;
      },
    );
    const appsRead = this.readApps((app) => {
      if (needsOwners(app)) fetchOwners(app);
      if (++progress.appsRead % APPS_STEP === 0) report();
    })
      .catch((error: unknown) => {
        gap('app registrations and their credentials', error);
        return undefined;
      })
      .finally(() => {
        flushOwners();
        progress.appsComplete = true;
        report();
      });
    const directory = Promise.all([usersRead, appsRead]).then(([usersOk, apps]) => ({
      usersOk,
      appsByAppId: new Map((apps ?? []).map((a) => [a.appId.toLowerCase(), a])),
    }));
    const environments = await this.tenant.connections.listEnvironments().catch((error: unknown) => {
      gap('the list of environments', error);
      return undefined;
    });

    const leftovers: EnvironmentLeftovers = { spConnections: [], applicationUsers: [] };
    const envList = environments ?? [];
    result.index.environments = envList;
    progress.environmentsTotal = envList.length;
    report();
    await Promise.all(
      envList.map((environment) =>
        this.environments(async () => {
          await this.scanEnvironment(environment, envList, directory, result, leftovers, gap);
          progress.environmentsRead++;
          report();
        }),
      ),
    );
    const [{ usersOk, appsByAppId }, apps] = await Promise.all([directory, appsRead]);
    progress.phase = 'checking';
    report();

    // The application users a directory rule may report (holding System Administrator): their apps' owners too.
    const reportedAppUsers = leftovers.applicationUsers.filter((u) =>
      this.rules.directory.some((rule) => rule.ownersNeeded?.appUser?.(u)),
    );
    for (const u of reportedAppUsers) {
      const app = appsByAppId.get(u.applicationId.toLowerCase());
      if (app) fetchOwners(app);
    }
    flushOwners();
    const partialBeforeOwners = result.partial.length;
    await Promise.all(ownerReads);
    // Who owns the apps whose credentials are in the window: a maker's "expiring secrets" looks theirs up here. Only
    // when every owner look-up worked (otherwise an app would look ownerless and a maker would miss it).
    if (apps && result.partial.length === partialBeforeOwners) {
      result.index.appOwners = {
        withinDays: this.options.withinDays,
        staleAfterDays: this.rules.options.staleAfterDays,
        apps: apps
          .filter((a) => ownersFetched.has(a.id))
          .map((a) => ({ id: a.id, appId: a.appId, displayName: a.displayName, ownerIds: a.ownerIds })),
      };
    }

    // People and their account status, so that "what depends on <person>" answers from the index alone.
    if (usersOk) result.index.people = [...result.users.values()].map(indexedPerson);
    await this.directoryRules(envList, apps, leftovers, result);
    if (apps && usersOk) result.checkedScopes.add(DIRECTORY_SCOPE);
    result.findings = sortFindings(result.findings);
    progress.phase = 'done';
    report();
    return result;
  }

  private async readUsers(into: Map<string, User>): Promise<void> {
    for (const user of await readAll(this.tenant.directory.listUsers())) into.set(user.id.toLowerCase(), user);
  }

  /** Every app registration, trimmed; `onApp` sees each one as it arrives. */
  private async readApps(onApp: (app: SnapshotApp) => void): Promise<SnapshotApp[]> {
    const apps: SnapshotApp[] = [];
    await forEachPage(this.tenant.directory.listApplications(), (page) => {
      for (const registration of page) {
        const app = trimApp(registration);
        apps.push(app);
        onApp(app);
      }
    });
    return apps;
  }

  private async readCanvasApps(environment: Environment): Promise<CanvasApp[] | undefined> {
    try {
      const apps: CanvasApp[] = [];
      for await (const app of this.tenant.apps.listCanvasApps(environment.id)) apps.push(app);
      return apps;
    } catch (error) {
      log.warn({ err: error, environment: environment.id }, 'could not read the canvas apps during the scan');
      return undefined;
    }
  }

  private async scanEnvironment(
    environment: Environment,
    environments: Environment[],
    directory: Promise<{ usersOk: boolean; appsByAppId: Map<string, SnapshotApp> }>,
    result: TenantScan & { index: TenantIndexData },
    leftovers: EnvironmentLeftovers,
    gap: (what: string, error: unknown) => void,
  ): Promise<void> {
    const name = environment.displayName;
    let complete = true;
    const read = async <T>(what: string, items: () => AsyncIterable<T>): Promise<T[] | undefined> => {
      try {
        return await readAll(items());
      } catch (error) {
        complete = false;
        gap(`${what} in ${name}`, error);
        return undefined;
      }
    };
    const dv = environment.dataverseUrl !== undefined;
    const none = async function* (): AsyncIterable<never> {};
    const [connections, flows, references, solutions, solutionFlows, applicationUsers, canvasApps] = await Promise.all([
      read('connections', () => this.tenant.connections.listConnections(environment.id)),
      read('flows', () => this.tenant.flows.listFlows(environment.id)),
      read('connection references', () => (dv ? this.tenant.dataverse.listConnectionReferences(environment) : none())),
      read('solutions', () => (dv ? this.tenant.dataverse.listSolutions(environment) : none())),
      read('solution flows', () => (dv ? this.tenant.dataverse.listSolutionFlows(environment) : none())),
      read('application users', () => (dv ? this.tenant.dataverse.listApplicationUsers(environment) : none())),
      // For the index only ("what depends on X" lists apps): no rule reads apps, so an unread list is no gap in the
      // findings; the index records it and the impact card says so.
      this.readCanvasApps(environment),
    ]);
    const withComponents = await Promise.all(
      (solutions ?? []).map(async (solution): Promise<SnapshotSolution> => {
        const components = await read(`the contents of ${solution.friendlyName}`, () =>
          this.tenant.dataverse.listSolutionComponents(environment, solution.id),
        );
        return {
          ...solution,
          environmentId: environment.id,
          componentObjectIds: (components ?? []).map((c) => c.objectId),
        };
      }),
    );

    const { usersOk, appsByAppId } = await directory;
    if (!usersOk) complete = false;
    const envConnections = connections ?? [];
    const envFlows: Flow[] = flows ?? [];
    const envReferences = (references ?? []).map((r): SnapshotReference => ({ ...r, environmentId: environment.id }));
    const envSolutionFlows = (solutionFlows ?? []).map((f): SnapshotSolutionFlow => ({
      ...f,
      environmentId: environment.id,
    }));
    const snapshot: TenantSnapshot = {
      now: this.options.now,
      environments,
      connections: envConnections,
      flows: envFlows,
      solutionFlows: envSolutionFlows,
      references: envReferences,
      solutions: withComponents,
      applicationUsers: [],
      apps: [],
      users: [],
      partialEnvironmentIds: connections ? [] : [environment.id],
      usageUnknownEnvironmentIds: flows && references ? [] : [environment.id],
    };
    // Filled in loops rather than through intermediate arrays: these run over every connection of the tenant.
    const people = new Map<string, User>();
    for (const c of envConnections) {
      const app = c.servicePrincipalAppId ? appsByAppId.get(c.servicePrincipalAppId.toLowerCase()) : undefined;
      if (app) snapshot.apps.push(app);
      addUser(people, result.users, c.createdBy.id);
    }
    for (const r of envReferences) if (r.ownerId) addUser(people, result.users, r.ownerId);
    snapshot.users = [...people.values()];
    for (const rule of this.rules.environment) {
      for (const finding of rule.run(snapshot, this.rules.options)) this.add(result, rule, finding);
    }
    // The index keeps each connection (trimmed) with its flow count, and where each flow is and who made it.
    const usage = lookups(snapshot);
    for (const c of envConnections) result.index.connections.push(indexedConnection(c, usage.flowsUsing(c).length));
    for (const f of envFlows) result.index.flows.push(indexedFlow(f));
    // References and solutions too, so that "what depends on X" answers from the index.
    for (const r of envReferences) result.index.references?.push(indexedReference(environment.id, r));
    for (const s of withComponents) {
      const { id, friendlyName, componentObjectIds } = s;
      result.index.solutions?.push({ id, environmentId: environment.id, friendlyName, componentObjectIds });
    }
    if (!connections || !flows) result.index.partialEnvironmentIds.push(environment.id);
    if (canvasApps) result.index.canvasApps?.push(...canvasApps.map(indexedCanvasApp));
    else result.index.canvasAppsUnreadEnvironmentIds?.push(environment.id);

    for (const c of envConnections) if (c.authType === 'servicePrincipal') leftovers.spConnections.push(c);
    leftovers.applicationUsers.push(
      ...(applicationUsers ?? []).map((u): SnapshotApplicationUser => ({ ...u, environmentId: environment.id })),
    );
    if (complete) result.checkedScopes.add(environmentScope(environment.id));
  }

  /**
   * The directory rules, on batches of the apps they can report: each batch with its apps' service-principal
   * connections, owners and application users, so the rules' per-app lookups stay linear however big the tenant
   * is. The other application users get a batch of their own, with their apps when the tenant has them.
   */
  private async directoryRules(
    environments: Environment[],
    apps: SnapshotApp[] | undefined,
    leftovers: EnvironmentLeftovers,
    result: TenantScan,
  ): Promise<void> {
    const byAppId = <T>(items: T[], appIdOf: (item: T) => string | undefined) => {
      const map = new Map<string, T[]>();
      for (const item of items) {
        const key = appIdOf(item)?.toLowerCase() ?? '';
        const list = map.get(key);
        if (list) list.push(item);
        else map.set(key, [item]);
      }
      return map;
    };
    const spByApp = byAppId(leftovers.spConnections, (c) => c.servicePrincipalAppId);
    const appUsersByApp = byAppId(leftovers.applicationUsers, (u) => u.applicationId);
    const { now } = this.options;
    const directoryRules = this.rules.directory;
    const options = this.rules.options;
    // A loop, not .some with a closure: asked for each of the tenant's app registrations.
    const reportable = directoryRules.every((rule) => rule.appsReported)
      ? (app: SnapshotApp) => {
          for (const rule of directoryRules) if (rule.appsReported?.(app, now, options)) return true;
          return false;
        }
      : () => true;
    const run = async (partial: Partial<TenantSnapshot>) => {
      const snapshot: TenantSnapshot = { ...emptySnapshot(now), environments, ...partial };
      for (const rule of this.rules.directory) {
        for (const finding of rule.run(snapshot, this.rules.options)) this.add(result, rule, finding);
      }
      // The bot answers chat turns on this thread: give them a turn between batches (all of them at 20,000 apps
      // held the event loop ~70 ms).
      await yieldToEventLoop();
    };
    const reported = (apps ?? []).filter(reportable);
    for (let i = 0; i < reported.length; i += APP_BATCH) {
      const batch = reported.slice(i, i + APP_BATCH);
      const keys = batch.map((a) => a.appId.toLowerCase());
      await run({
        apps: batch,
        connections: keys.flatMap((key) => spByApp.get(key) ?? []),
        applicationUsers: keys.flatMap((key) => appUsersByApp.get(key) ?? []),
        users: relevantUsers(
          result.users,
          batch.flatMap((a) => a.ownerIds),
        ),
      });
      for (const key of keys) appUsersByApp.delete(key);
    }
    const others = [...appUsersByApp.values()].flat();
    if (others.length) {
      const keys = new Set(others.map((u) => u.applicationId.toLowerCase()));
      const theirApps = (apps ?? []).filter((a) => keys.has(a.appId.toLowerCase()));
      await run({
        apps: theirApps,
        applicationUsers: others,
        users: relevantUsers(
          result.users,
          theirApps.flatMap((a) => a.ownerIds),
        ),
      });
    }
  }

  /** Adds a finding as people read it, with its scope, the people it concerns and those to alert. */
  private add(result: TenantScan, rule: GovernanceRule, found: RuleFinding): void {
    const { about, ...finding } = found;
    const { concerned, alerted } = rule.stakeholders(about);
    // A disabled account reads nothing: it is not alerted. (A loop: a closure per finding is garbage per finding.)
    const enabled: string[] = [];
    for (const id of alerted) if (result.users.get(id.toLowerCase())?.accountEnabled !== false) enabled.push(id);
    this.record(result, finding, scopeOfAbout(about), concerned, enabled);
  }

  private record(result: TenantScan, finding: Finding, scope: string, people: string[], alert: string[]): void {
    result.findings.push(finding);
    result.scopeOf.set(finding.id, scope);
    if (people.length) result.stakeholders.set(finding.id, unique(people));
    if (alert.length) result.makerAlerts.set(finding.id, unique(alert));
  }
}

/** Ids lower-cased, each once, in their first order. */
function unique(ids: string[]): string[] {
  const out = new Set<string>();
  for (const id of ids) out.add(id.toLowerCase());
  return [...out];
}

function relevantUsers(users: Map<string, User>, ids: string[]): User[] {
  const out = new Map<string, User>();
  for (const id of ids) addUser(out, users, id);
  return [...out.values()];
}

/** Adds the directory user with this id (any case) to `into`, once. */
function addUser(into: Map<string, User>, users: Map<string, User>, id: string): void {
  const user = users.get(id.toLowerCase());
  if (user) into.set(user.id, user);
}
