/**
 * The "what depends on X" card (cards/impact.json) from an ImpactReport: one section per connection that runs as
 * X (PROD first, failing first) with its references, flows (with their last run when it was read), canvas apps and
 * solutions; the buttons that fix something; and how old the answer is, with [Refresh].
 */
import { renderCard, type AdaptiveCard } from '../../cards/renderCard';
import type { AppRegistration, Connection, FlowRun, User } from '../../tenant/model';
import { HANDOVER_REQUEST_VERB } from '../../operations/handover/requestVerb';
import { whoMayRequestRepoint } from '../../operations/repoint/repointPlan';
import { REPOINT_REQUEST_VERB } from '../../operations/repoint/requestVerb';
import { ageText } from '../liveConnections';
import { signsInAsCreator, storedCredentialsLeaverNote } from '../leaverConnection';
import { isOAuthConnection } from '../sharingRule';
import { connectorLabel, credentialsOf, daysUntil } from '../tenantFacts';
import type { AppEntry, ConnectionEntry, FlowEntry, ImpactReport } from './impactReport';
import type { ImpactQuery, ImpactSubject } from './impactSubject';
import type { SecretHeld } from './secretHeld';

/** Operations other than rotation and sharing whose buttons appear once such an operation is registered. */
export type LaterOperation = 'handover' | 'repoint';

export interface ImpactCardInput {
  subject: ImpactSubject;
  /** What [Refresh] asks again. */
  query: ImpactQuery;
  report: ImpactReport;
  admin: boolean;
  callerId: string;
  now: Date;
  /** When the rows were read: the index's time, or now for a live read. */
  readAt: Date;
  fromSnapshot: boolean;
  /** For an app: which secret each connection holds, where the bot's rotations recorded it. */
  secretsHeld?: SecretHeld[];
  /** Service-principal connections the person created: they sign in as their app, so they do not run as X. */
  createdAppSignIns?: string[];
  /** The caller is an admin or an owner of the app (whom a rotation request accepts). */
  mayRotate: boolean;
  /**
   * For a maker: the solutions (repointKey) whose re-point request accepts them (an owner of one of its flows);
   * absent for an admin, whom it always accepts.
   */
  mayRepoint?: ReadonlySet<string>;
  /** Last runs read live (see LastRuns); absent from a snapshot answer. */
  lastRuns?: LastRuns;
  /** Whether canvas apps were read at all (false: an index made before apps were read). */
  appsRead?: boolean;
  operationAvailable: (kind: LaterOperation) => boolean;
  /** For a connection asked about by itself: lower-case ids of its people (createdBy) whose accounts are disabled. */
  disabledCreators?: Set<string>;
}

/**
 * The newest run of each flow whose runs were read, by `${environmentId}/${flowId}`: a run, null (none in the run
 * history), or undefined (the read failed). `limit`: at most this many flows are read per card.
 */
export interface LastRuns {
  runs: Map<string, FlowRun | null | undefined>;
  limit: number;
  /** Flows on the card that were not read for the limit. */
  skipped: number;
}

/** How long the Flow service keeps run history (days): no run in it is "no runs in 28 days". */
export const RUN_HISTORY_DAYS = 28;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function subjectName(subject: ImpactSubject): string {
  if (subject.kind === 'person') return subject.user.displayName;
  if (subject.kind === 'app') return subject.app.displayName;
  return subject.query;
}

export function impactCard(input: ImpactCardInput): AdaptiveCard {
  const { subject, report, now } = input;
  const name = subjectName(subject);
  const entries = report.entries;
  // A flow that uses two of X's connections is one flow.
  const shownFlows = new Map(entries.flatMap((e) => e.flows.map((f) => [`${f.environmentId}/${f.id}`, f] as const)));
  const flows = shownFlows.size + entries.reduce((n, e) => n + e.othersFlows, 0);
  const on = [...shownFlows.values()].filter((f) => f.on).length;
  const references = entries.reduce((n, e) => n + e.references.length, 0);
  const shownApps = new Set(entries.flatMap((e) => e.apps.map((a) => `${a.environmentId}/${a.id}`)));
  const apps = shownApps.size + entries.reduce((n, e) => n + e.othersApps, 0);
  const failing = entries.filter((e) => e.failing).length;
  const atRisk = entries.filter((e) => !e.failing && signsInAsLeaver(e, input)).length;
  const named = subject.kind === 'connection' && subject.name !== undefined && entries.length === 1;
  const usedByApps = apps ? ` and ${plural(apps, 'canvas app')}` : '';
  const summary = named
    ? `${name} is bound to ${plural(references, 'connection reference')} and used by ${plural(flows, 'flow')}` +
      `${flows ? ` (${on} on)` : ''}${usedByApps}.${failing ? ' It already fails.' : ''}` +
      (atRisk ? ' It will fail: it signs in as a disabled account.' : '')
    : entries.length
      ? `${plural(entries.length, 'connection')} ${runVerb(subject, entries.length)} ${name}, ` +
        `bound to ${plural(references, 'connection reference')} and used by ${plural(flows, 'flow')}` +
        `${flows ? ` (${on} on)` : ''}${usedByApps}.` +
        (failing ? ` ${plural(failing, 'connection')} already ${failing === 1 ? 'fails' : 'fail'}.` : '') +
        (atRisk
          ? ` ${plural(atRisk, 'connection')} will fail: ` +
            (subject.kind === 'person' ? `${name}'s account is disabled.` : 'they sign in as a disabled account.')
          : '')
      : `No connection ${input.admin ? '' : 'of yours '}${runVerb(subject, 1)} ${name}: nothing that I may show ` +
        'depends on it.';

  const notes: string[] = [];
  if (!input.admin) {
    notes.push('You see your own connections and flows only; a Power Platform admin sees the whole tenant.');
  }
  if (report.partialEnvironments.length) {
    notes.push(
      `Some of ${report.partialEnvironments.map((e) => e.displayName).join(', ')} could not be read: ` +
        'what depends on these connections there may be missing.',
    );
  }
  const appSignIns = input.createdAppSignIns ?? [];
  if (appSignIns.length) {
    notes.push(
      `${name} also created ${appSignIns.join(', ')}: ${appSignIns.length === 1 ? 'it signs' : 'they sign'} in as ` +
        `an app, not as ${name}. Not confirmed: that ${appSignIns.length === 1 ? 'it keeps' : 'they keep'} working ` +
        `when ${name}'s account is disabled (Microsoft's troubleshooting guide says a connection whose creator is ` +
        'disabled becomes invalid, without telling kinds of connection apart). Ask what depends on the app to see ' +
        'what uses it.',
    );
  }
  if (subject.kind === 'app' && entries.length) {
    notes.push(
      'Which of the app\u2019s secrets a connection holds is known only when a rotation by this bot switched it: ' +
        'the connections API does not return a connection\u2019s secret. A secret that expires breaks every ' +
        'connection that holds it.',
    );
  }
  notes.push(...appNotes(input), ...runNotes(input));
  // A maker is not offered a button the request would refuse: they are told who can.
  if (handoverFits(input) && !offersHandover(input)) {
    notes.push("Handing over a person's flows is for Power Platform admins: ask one of them.");
  }
  for (const solution of repointWithheld(input)) notes.push(whoMayRequestRepoint(solution));

  return renderCard('impact', {
    title: `What depends on ${name}`,
    summary,
    subjectFacts: subjectFacts(subject, now),
    asOf: input.fromSnapshot
      ? `As of the last read of the tenant, ${ageText(input.readAt, now)} (statuses and flows as they were then).`
      : `Read from the tenant ${ageText(input.readAt, now)}.`,
    refresh: { ...input.query },
    sections: entries.map((e, i) => section(e, input, i)),
    notes,
    buttons: buttons(input),
  });
}

function runVerb(subject: ImpactSubject, count: number): string {
  if (subject.kind === 'connection') return count === 1 ? 'matches' : 'match';
  return count === 1 ? 'runs as' : 'run as';
}

function subjectFacts(subject: ImpactSubject, now: Date): { title: string; value: string }[] {
  if (subject.kind === 'person') return personFacts(subject.user);
  if (subject.kind === 'app') return appFacts(subject.app, now);
  return [];
}

function personFacts(user: User): { title: string; value: string }[] {
  return [{ title: 'Account', value: `${user.userPrincipalName} · ${user.accountEnabled ? 'enabled' : 'disabled'}` }];
}

function appFacts(app: AppRegistration, now: Date): { title: string; value: string }[] {
  const facts = [{ title: 'Client id', value: app.appId }];
  for (const credential of credentialsOf(app)) {
    const label = `${credential.kind === 'secret' ? 'Secret' : 'Certificate'} ${credential.displayName ?? credential.keyId.slice(0, 8)}`;
    if (!credential.endDateTime) {
      facts.push({ title: label, value: 'no end date' });
      continue;
    }
    const days = daysUntil(credential.endDateTime, now);
    const when = credential.endDateTime.slice(0, 10);
    facts.push({
      title: label,
      value: days < 0 ? `expired ${-days} days ago (${when})` : `expires in ${plural(days, 'day')} (${when})`,
    });
  }
  return facts;
}

function statusOf(connection: Connection): { status: string; statusColor: string } {
  if (connection.status === 'Connected') return { status: 'Connected', statusColor: 'Good' };
  if (connection.status === 'Error') return { status: 'Error', statusColor: 'Attention' };
  return { status: 'Needs configuration', statusColor: 'Warning' };
}

function heldSecretLine(entry: ConnectionEntry, app: AppRegistration, input: ImpactCardInput): string {
  const { connection } = entry;
  const held = input.secretsHeld?.find(
    (h) =>
      h.environmentId === connection.environmentId && h.connectionName.toLowerCase() === connection.name.toLowerCase(),
  );
  if (!held) return 'Holds: not known (no rotation by this bot has switched it).';
  const since = held.since.slice(0, 10);
  const secret = app.passwordCredentials.find((c) => c.keyId === held.keyId);
  if (!secret) return `Holds a secret since ${since} that the app no longer has: it fails to sign in.`;
  const name = secret.displayName ?? held.keyId.slice(0, 8);
  const end = secret.endDateTime ? `, ${expiryText(secret.endDateTime, input.now)}` : '';
  return `Holds secret **${name}** (since the rotation of ${since}${end}).`;
}

function expiryText(endDateTime: string, now: Date): string {
  const days = daysUntil(endDateTime, now);
  return days < 0 ? `expired ${-days} days ago` : `expires in ${plural(days, 'day')}`;
}

/** Created by a disabled account (whatever the connection signs in as; a service principal's is not counted). */
function ownedByLeaver(entry: ConnectionEntry, input: ImpactCardInput): boolean {
  if (entry.connection.authType === 'servicePrincipal') return false;
  if (input.subject.kind === 'person') return !input.subject.user.accountEnabled;
  return input.disabledCreators?.has(entry.connection.createdBy.id.toLowerCase()) ?? false;
}

/** Signs in as a disabled account, so it fails: a person's sign-in; not a connection with its own credentials. */
function signsInAsLeaver(entry: ConnectionEntry, input: ImpactCardInput): boolean {
  return signsInAsCreator(entry.connection) && ownedByLeaver(entry, input);
}

function accountOf(connection: Connection): string {
  if (connection.authType === 'servicePrincipal')
    return `signs in as an app · created by ${connection.createdBy.displayName}`;
  return connection.accountName ?? connection.createdBy.displayName;
}

function section(entry: ConnectionEntry, input: ImpactCardInput, index: number) {
  const { connection } = entry;
  const lines: string[] = [];
  if (entry.failing && connection.error) lines.push(`⚠ Fails now: ${connection.error.message}`);
  if (input.subject.kind === 'app') lines.push(heldSecretLine(entry, input.subject.app, input));
  if (signsInAsLeaver(entry, input)) {
    // The same rule as the health report's "connection owner disabled" finding.
    lines.push('⚠ Signs in as a disabled account: it will fail when its sign-in expires, and nobody can fix it.');
  } else if (ownedByLeaver(entry, input)) {
    lines.push(`⚠ Created by a disabled account. ${storedCredentialsLeaverNote(connection.createdBy.displayName)}`);
  }
  for (const r of entry.references) {
    lines.push(`Reference **${r.displayName}**${r.solutions.length ? ` · in ${r.solutions.join(', ')}` : ''}`);
  }
  for (const f of entry.flows) {
    const via = f.via.length ? ` · through ${f.via.join(', ')}` : ' · uses it directly';
    const solutions = f.solutions.length ? ` · in ${f.solutions.join(', ')}` : '';
    lines.push(`Flow **${f.displayName}** · ${f.on ? 'On' : 'Off'}${via}${solutions}${lastRunText(f, input)}`);
  }
  if (entry.othersFlows) {
    lines.push(`…and ${plural(entry.othersFlows, 'flow')} of other people (an admin sees which).`);
  }
  for (const a of entry.apps) lines.push(appLine(a, connection));
  if (entry.othersApps) {
    lines.push(`…and ${plural(entry.othersApps, 'canvas app')} of other people (an admin sees which).`);
  }
  const used = entry.references.length + entry.flows.length + entry.othersFlows + entry.apps.length + entry.othersApps;
  if (!used) {
    lines.push(
      entry.appsKnown
        ? 'No flow, canvas app or connection reference uses it.'
        : 'No flow and no connection reference uses it (its canvas apps are not known).',
    );
  }
  return {
    name: connection.displayName,
    connector: connectorLabel(connection.connector),
    environment: `${entry.environment.displayName}${entry.production ? ' (production)' : ''}`,
    account: accountOf(connection),
    ...statusOf(connection),
    lines,
    share: share(entry, input, index),
  };
}

function appLine(app: AppEntry, connection: Connection): string {
  if (app.how === 'reference') {
    return `Canvas app **${app.displayName}** · through ${app.via.join(', ')} · every user of the app runs on this connection`;
  }
  const owner = app.ownerName ?? 'its owner';
  return (
    `Canvas app **${app.displayName}** · owned by ${owner} · uses ${connectorLabel(connection.connector)} as whoever ` +
    `opens it: this connection when ${owner} does`
  );
}

/** " · last run: Failed 3 hours ago", " · no runs in 28 days", " · last run: not read", or nothing. */
function lastRunText(flow: FlowEntry, input: ImpactCardInput): string {
  const runs = input.lastRuns?.runs;
  const key = `${flow.environmentId}/${flow.id}`;
  if (!runs?.has(key)) return '';
  const run = runs.get(key);
  if (run === undefined) return ' · last run: not read';
  if (run === null) return ` · no runs in ${RUN_HISTORY_DAYS} days`;
  const code = run.status === 'Failed' && run.errorCode ? ` (${run.errorCode})` : '';
  return ` · last run: ${run.status} ${ageText(new Date(run.startTime), input.now)}${code}`;
}

function appNotes(input: ImpactCardInput): string[] {
  const entries = input.report.entries;
  if (!entries.length) return [];
  if (input.appsRead === false) {
    return ['Canvas apps are not in the last read of the tenant: Refresh reads them.'];
  }
  const notes: string[] = [];
  const unknown = [...new Set(entries.filter((e) => !e.appsKnown).map((e) => e.environment.displayName))];
  if (unknown.length) {
    notes.push(
      `The canvas apps of ${unknown.join(', ')} could not be read: apps that use these connections there are missing.`,
    );
  }
  if (entries.some((e) => e.apps.some((a) => a.how === 'owner'))) {
    // Microsoft Learn, "Use a connection reference in a solution": canvas apps bind connection references only for
    // implicitly shared (non-OAuth) connections; an OAuth connector signs in as the app's user.
    notes.push(
      'A canvas app that uses an OAuth connector signs in as whoever opens it: other users keep their own ' +
        'connections, but the app needs a new owner when its owner leaves.',
    );
  }
  return notes;
}

function runNotes(input: ImpactCardInput): string[] {
  if (!input.report.entries.some((e) => e.flows.length)) return [];
  if (!input.lastRuns) return ['Last runs are read live only: Refresh reads them.'];
  const { skipped, limit } = input.lastRuns;
  return skipped
    ? [
        `Last runs are read for the first ${limit} flows; ${plural(skipped, 'other is', 'others are')} in the Power Automate portal.`,
      ]
    : [];
}

/**
 * [Share with …] where sharing helps: a working connection that others need, offered to its owner or an admin.
 * Sharing lets someone else use the connection as it is; a broken one must be repaired or replaced instead. An
 * OAuth connection may be shared only with a service principal (Microsoft Learn, "Use a connection reference in a
 * solution"); the request itself checks that again.
 */
function share(entry: ConnectionEntry, input: ImpactCardInput, index: number) {
  const { connection } = entry;
  const owner = connection.createdBy.id.toLowerCase() === input.callerId.toLowerCase();
  // A leaver's connection is replaced (its references re-pointed), not shared: it will stop working anyway.
  if (connection.status !== 'Connected' || !(owner || input.admin) || input.subject.kind === 'app') {
    return { shown: false };
  }
  if (ownedByLeaver(entry, input)) {
    return { shown: false };
  }
  const oauth = isOAuthConnection(connection);
  return {
    shown: true,
    title: oauth ? 'Share with a service principal…' : 'Share with…',
    label: oauth ? 'App registration (service principal) to share it with' : 'Person or service principal',
    placeholder: oauth ? 'e.g. ALM-Pipeline-SP' : 'e.g. Adele Vance',
    // One input per section (ids are unique in a card); the button says which one holds its answer.
    inputId: `shareWith${index}`,
    data: {
      inputId: `shareWith${index}`,
      // A display name (spaces and all), not the connection's id: the share request matches it as typed.
      connectionDisplayName: connection.displayName,
      environmentName: entry.environment.displayName,
    },
  };
}

/**
 * Buttons that run a card verb: rotation of an app's secret, and [Hand over] for a person once that operation is
 * registered (its verb, as the disabled-owner finding's button: an Action.Submit imBack button does nothing in the
 * Microsoft 365 Agents Playground, so a handover could not be started from this card there).
 */
function buttons(input: ImpactCardInput) {
  const { subject } = input;
  if (offersHandover(input) && subject.kind === 'person') {
    return [{ title: 'Hand over', verb: HANDOVER_REQUEST_VERB, data: { userId: subject.user.id } }];
  }
  if (subject.kind === 'connection') return repointButtons(input);
  if (subject.kind !== 'app' || !input.mayRotate) return [];
  return [{ title: 'Rotate', verb: 'rotation.request', data: { appObjectId: subject.app.id } }];
}

/** Whether a hand-over fits this card: a person with something that depends on them, once the kind is registered. */
function handoverFits(input: ImpactCardInput): boolean {
  return input.subject.kind === 'person' && input.operationAvailable('handover') && input.report.entries.length > 0;
}

/** [Hand over] only for whom the handover request accepts: Power Platform admins (handoverRequests.ts). */
function offersHandover(input: ImpactCardInput): boolean {
  return handoverFits(input) && input.admin;
}

/** One solution in one environment, as `mayRepoint` names it. */
export const repointKey = (environmentId: string, solution: string): string => `${environmentId}|${solution}`;

/** Each solution whose references are bound to a connection on the card, with that connection's entry. */
export function repointChoices(report: ImpactReport): { entry: ConnectionEntry; solution: string }[] {
  return report.entries.flatMap((e) =>
    [...new Set(e.references.flatMap((r) => r.solutions))].map((solution) => ({ entry: e, solution })),
  );
}

/** The solutions a maker is not offered [Re-point references] for: the card says who can instead. */
function repointWithheld(input: ImpactCardInput): string[] {
  if (!input.operationAvailable('repoint') || !input.mayRepoint || input.subject.kind !== 'connection') return [];
  const held = input.mayRepoint;
  return [
    ...new Set(
      repointChoices(input.report)
        .filter(({ entry, solution }) => !held.has(repointKey(entry.environment.id, solution)))
        .map(({ solution }) => solution),
    ),
  ];
}

/** At most this many [Re-point references] buttons (one per solution and connection); a card has little room. */
const MAX_REPOINT_BUTTONS = 4;

/**
 * [Re-point references] for a connection, once the re-point kind is registered: one per solution whose references
 * are bound to it, asking to move those references (and only those) off this connection; the preview then names
 * each new connection or says why there is none.
 */
function repointButtons(input: ImpactCardInput) {
  if (!input.operationAvailable('repoint')) return [];
  const wanted = repointChoices(input.report).filter(
    ({ entry, solution }) => !input.mayRepoint || input.mayRepoint.has(repointKey(entry.environment.id, solution)),
  );
  const several = new Set(wanted.map((w) => w.entry.connection.name)).size > 1;
  return wanted.slice(0, MAX_REPOINT_BUTTONS).map(({ entry, solution }) => ({
    title:
      wanted.length === 1
        ? 'Re-point references'
        : `Re-point references (${several ? `${entry.connection.displayName}, ` : ''}${solution})`,
    verb: REPOINT_REQUEST_VERB,
    data: {
      solutionName: solution,
      environmentId: entry.environment.id,
      fromConnectionName: entry.connection.name,
    },
  }));
}
