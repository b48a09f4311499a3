/**
 * "What depends on X?" (read-only). X is resolved first (one directory read when the planner knew its id), then the
 * connections that run as X are taken from the tenant index when it is fresh (the last scan's snapshot: no listing,
 * the card says how old it is) or read live otherwise, and [Refresh] always reads live. What the caller may see:
 * an admin the whole tenant; a maker only their own connections and the flows they made (AccessPolicy).
 */
import type { Caller } from '../../access/caller';
import { textReply, type Reply } from '../../cards/reply';
import type { DomainContext } from '../../context';
import { getLogger } from '../../logging/logger';
import type { AppRegistration, Connection, User } from '../../tenant/model';
import { bestMatches, matchScore } from '../../understanding/nameResolution';
import { withGaps } from '../partialResult';
import { connectorLabel } from '../tenantFacts';
import type { TenantIndex } from '../tenantIndex';
import { INDEX_MAX_AGE_MS, type TenantIndexSource } from '../tenantIndexSource';
import { TenantReader } from '../tenantReader';
import { DependencyGraph } from './dependencyGraph';
import type { SecretHeld } from './secretHeld';
import { mayRequestRepoint } from '../../operations/repoint/repointPlan';
import { impactCard, repointChoices, repointKey, type LastRuns, type LaterOperation } from './impactCard';
import { impactReport, type ImpactReport } from './impactReport';
import { resolveSubject, type ImpactQuery, type ImpactSubject } from './impactSubject';
import { liveDependencies } from './liveDependencies';

const log = getLogger('connections');

/** A connection query matching more than this many connections asks for a narrower one. */
const MAX_CONNECTIONS = 25;

/**
 * Last runs read per card (one request each, in parallel through the turn's limiter): the flows shown first (PROD
 * first). Only a live read reads them; from the snapshot the card says Refresh reads them, so the snapshot answer
 * stays at no request at all and runs are never shown older than the card says.
 */
const MAX_LAST_RUNS = 10;

export interface ImpactServiceOptions {
  index?: TenantIndexSource;
  /** Whether an operation built later (hand over, re-point) is registered: its button appears once it is. */
  operationAvailable?: (kind: LaterOperation) => boolean;
  concurrency?: number;
  /**
   * Which secret each connection of an app holds, when the bot knows it (its own rotations switched them): the
   * connections API does not return a connection's secret.
   */
  secretsHeld?: (appObjectId: string) => Promise<SecretHeld[]>;
}

/** One dependency graph per index (built on first use, dropped with the index). */
const graphs = new WeakMap<TenantIndex, DependencyGraph>();

function graphOf(index: TenantIndex): DependencyGraph {
  let graph = graphs.get(index);
  if (!graph) {
    const { environments, flows, references = [], solutions = [], partialEnvironmentIds } = index.data;
    graph = new DependencyGraph({
      environments,
      flows,
      references,
      solutions,
      partialEnvironmentIds,
      apps: index.data.canvasApps,
      appsUnreadEnvironmentIds: index.data.canvasAppsUnreadEnvironmentIds,
    });
    graphs.set(index, graph);
  }
  return graph;
}

/** The index's people by id and by (lower-case) name; a name two people share finds neither. */
const peopleOf = new WeakMap<TenantIndex, { byId: Map<string, User>; byName: Map<string, User | null> }>();

function personInIndex(index: TenantIndex, person: { id?: string; name: string }): User | undefined {
  let people = peopleOf.get(index);
  if (!people) {
    people = { byId: new Map(), byName: new Map() };
    for (const user of index.data.people ?? []) {
      people.byId.set(user.id.toLowerCase(), user);
      const name = user.displayName.toLowerCase();
      people.byName.set(name, people.byName.has(name) ? null : user);
    }
    peopleOf.set(index, people);
  }
  if (person.id) return people.byId.get(person.id.toLowerCase());
  return people.byName.get(person.name.toLowerCase()) ?? undefined;
}

export class ImpactService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly options: ImpactServiceOptions = {},
  ) {}

  /** `fresh`: read live even when the index is fresh ([Refresh]). */
  async impact(caller: Caller, query: ImpactQuery, options: { fresh?: boolean } = {}): Promise<Reply> {
    if (!this.ctx.access.sameTenant(caller)) {
      return textReply('I can only look at connections in the tenant I am installed for.');
    }
    const retry = { view: 'impact', ...query };
    const reader = new TenantReader(this.ctx.tenant, this.options.concurrency);
    const admin = await this.isAdmin(caller);
    const now = this.ctx.clock.now();
    const index = options.fresh ? undefined : this.freshIndex(now);
    const lookup = await resolveSubject(reader, query, (person) => (index ? personInIndex(index, person) : undefined));
    if ('notFound' in lookup) return withGaps(textReply(lookup.notFound), reader.gaps, retry);
    const subject = lookup.found;
    const mayShow = (c: Connection) => admin || c.createdBy.id.toLowerCase() === caller.userId.toLowerCase();

    let connections: Connection[];
    let graph: DependencyGraph;
    if (index) {
      connections = fromIndex(index, subject);
      graph = graphOf(index);
    } else {
      const live = await liveDependencies(reader, runsAs(subject));
      connections = live.connections;
      graph = new DependencyGraph(live.rows);
    }
    const shown = connections.filter(mayShow);
    // A service-principal connection a person created signs in as its app, not as them, so it is named, not listed,
    // under the person; whether it survives its creator's leaving is unconfirmed, and the card says so.
    const appSignIns = subject.kind === 'person' ? shown.filter((c) => c.authType === 'servicePrincipal') : [];
    const visible = shown.filter((c) => !appSignIns.includes(c));
    if (subject.kind === 'connection' && subject.name && !visible.length) {
      // Gone since the names were read, or not the caller's: the same answer either way, so nothing leaks.
      return withGaps(
        textReply(`I found no connection "${subject.query}" that you may see: it may have been deleted since.`),
        reader.gaps,
        retry,
      );
    }
    if (subject.kind === 'connection' && !subject.name) {
      const narrowed = narrow(visible, subject.query);
      if (narrowed.length > MAX_CONNECTIONS) {
        return textReply(
          `${narrowed.length} connections match "${subject.query}". Name one more precisely (its display name), ` +
            'or ask about the person or the app registration it runs as.',
        );
      }
      visible.splice(0, visible.length, ...narrowed);
    }
    const report = impactReport(graph, visible, { admin, callerId: caller.userId });
    // A connection asked about by itself: whether the person it signs in as has left decides its warning and whether
    // sharing it is offered, as it does when that person is the subject.
    const disabledCreators =
      subject.kind === 'connection'
        ? await disabledCreatorsOf(visible, (id) =>
            index ? Promise.resolve(personInIndex(index, { id, name: '' })) : reader.user(id),
          )
        : undefined;
    const card = impactCard({
      subject,
      query: { subject: query.subject, subjectType: query.subjectType, subjectId: query.subjectId },
      report,
      lastRuns: index ? undefined : await lastRuns(reader, report),
      appsRead: graph.appsRead,
      admin,
      callerId: caller.userId,
      now,
      readAt: index ? index.takenAt : now,
      fromSnapshot: !!index,
      secretsHeld: subject.kind === 'app' ? await this.secretsHeld(subject.app.id) : undefined,
      createdAppSignIns: appSignIns.map((c) => c.displayName),
      mayRotate: subject.kind === 'app' && (admin || (await ownsApp(reader, subject.app, caller))),
      mayRepoint: subject.kind === 'connection' && !admin ? await this.mayRepoint(caller, report) : undefined,
      operationAvailable: this.options.operationAvailable ?? (() => false),
      disabledCreators,
    });
    return withGaps({ cards: [card] }, reader.gaps, retry);
  }

  /**
   * The solutions a maker may ask to re-point (an owner of one of its flows, as the request decides), read only when
   * the card would offer the button. A read that fails offers no button: the card says who can.
   */
  private async mayRepoint(caller: Caller, report: ImpactReport): Promise<Set<string> | undefined> {
    if (!this.options.operationAvailable?.('repoint')) return undefined;
    const allowed = new Set<string>();
    const keys = new Map(
      repointChoices(report).map(({ entry, solution }) => [
        repointKey(entry.environment.id, solution),
        { environmentId: entry.environment.id, solutionName: solution },
      ]),
    );
    await Promise.all(
      [...keys].map(async ([key, query]) => {
        try {
          if (await mayRequestRepoint(this.ctx, caller, query)) allowed.add(key);
        } catch (error) {
          log.warn({ err: error }, 'could not read who may re-point a solution');
        }
      }),
    );
    return allowed;
  }

  private async secretsHeld(appObjectId: string): Promise<SecretHeld[]> {
    try {
      return (await this.options.secretsHeld?.(appObjectId)) ?? [];
    } catch (error) {
      log.warn({ err: error }, 'could not read the rotations of an app');
      return [];
    }
  }

  /** The index when it holds references and solutions and is within the staleness policy (INDEX_MAX_AGE_MS). */
  private freshIndex(now: Date): TenantIndex | undefined {
    const index = this.options.index?.current();
    if (!index?.data.references || !index.data.solutions) return undefined;
    return now.getTime() - index.takenAt.getTime() <= INDEX_MAX_AGE_MS ? index : undefined;
  }

  /** Fails closed: when the admins group cannot be read, the caller is treated as a maker. */
  private async isAdmin(caller: Caller): Promise<boolean> {
    try {
      return await this.ctx.access.isAdmin(caller);
    } catch (error) {
      log.warn({ err: error }, 'could not read the admins group');
      return false;
    }
  }
}

/** Lower-case ids of the people whose accounts are disabled among those the connections sign in as (apps excluded). */
async function disabledCreatorsOf(
  connections: Connection[],
  person: (id: string) => Promise<User | undefined>,
): Promise<Set<string>> {
  const ids = [
    ...new Set(connections.filter((c) => c.authType !== 'servicePrincipal').map((c) => c.createdBy.id.toLowerCase())),
  ];
  const people = await Promise.all(ids.map((id) => person(id)));
  return new Set(ids.filter((_, i) => people[i]?.accountEnabled === false));
}

/** The newest run of the first MAX_LAST_RUNS flows on the card, read in parallel; failures are one gap. */
async function lastRuns(reader: TenantReader, report: ImpactReport): Promise<LastRuns> {
  const flows = new Map(report.entries.flatMap((e) => e.flows.map((f) => [`${f.environmentId}/${f.id}`, f] as const)));
  const read = [...flows].slice(0, MAX_LAST_RUNS);
  const runs = await Promise.all(
    read.map(async ([key, f]) => [key, await reader.latestRun({ environmentId: f.environmentId, id: f.id })] as const),
  );
  return { runs: new Map(runs), limit: MAX_LAST_RUNS, skipped: flows.size - read.length };
}

/** Whether a connection runs as the subject (signs in as the person or the app, or is the connection asked). */
function runsAs(subject: ImpactSubject): (c: Connection) => boolean {
  if (subject.kind === 'person') {
    const id = subject.user.id.toLowerCase();
    return (c) => c.createdBy.id.toLowerCase() === id;
  }
  if (subject.kind === 'app') {
    const appId = subject.app.appId.toLowerCase();
    return (c) => c.servicePrincipalAppId?.toLowerCase() === appId;
  }
  const name = subject.name?.toLowerCase();
  if (name) return (c) => c.name.toLowerCase() === name;
  return (c) => connectionScore(c, subject.query) > 0;
}

function fromIndex(index: TenantIndex, subject: ImpactSubject): Connection[] {
  if (subject.kind === 'person') return index.connectionsOwnedBy(subject.user.id);
  if (subject.kind === 'app') return index.connectionsSigningInAs(subject.app.appId);
  const matches = runsAs(subject);
  return index.data.connections.filter(matches);
}

function connectionScore(c: Connection, query: string): number {
  return matchScore(query, c.displayName, connectorLabel(c.connector), c.connector);
}

/** The best-matching connections of those that match at all (a display name beats a connector's name). */
function narrow(connections: Connection[], query: string): Connection[] {
  return bestMatches(connections, (c) => connectionScore(c, query));
}

async function ownsApp(reader: TenantReader, app: AppRegistration, caller: Caller): Promise<boolean> {
  const owners = await reader.applicationOwnerIds(app);
  return (owners ?? []).some((id) => id.toLowerCase() === caller.userId.toLowerCase());
}
