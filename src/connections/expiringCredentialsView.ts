/**
 * "Which secrets expire soon?": app registrations whose secrets or certificates expire within N days or have
 * expired, with days left, the connections that sign in with each app, and [Rotate] (secrets) or [Renew certificate].
 * Admins see every app; app owners (Graph owners) see their own apps; anyone else gets a polite no. Owners are
 * looked up only for apps that have something to report, so the cost does not grow with the number of healthy apps.
 *
 * A maker's own apps come from the tenant index when the last scan read their owners (Graph has no application
 * permission for a user's ownedObjects): then the turn reads only those apps and the connections signing in as them.
 */
import type { Caller } from '../access/caller';
import type { AppRegistration, Connection, Environment } from '../tenant/model';
import { renderCard } from '../cards/renderCard';
import type { Reply } from '../cards/reply';
import { daysLeftChart } from './chartData';
import { expiredCredentials } from './findings/expiredCredentials';
import { credentialsExpiringSoon, DEFAULT_EXPIRY_WINDOW_DAYS } from './findings/expiringCredentials';
import type { Finding } from './findings/finding';
import { withGaps } from './partialResult';
import { rowActionOf, type RowAction } from './rowAction';
import { credentialsOf } from './tenantFacts';
import { ageText, type LiveConnections } from './liveConnections';
import type { IndexedApp, TenantIndex } from './tenantIndex';
import type { TenantReader } from './tenantReader';
import { emptySnapshot, type SnapshotApp, type TenantSnapshot } from './tenantSnapshot';

/** Rows listed per section and connections named per row: enough to act on, and the card stays under ~28 KB. */
export const MAX_ROWS_PER_SECTION = 10;
const MAX_CONNECTIONS_NAMED = 5;

interface CredentialRow {
  app: string;
  detail: string;
  owners: string;
  connections: string;
  action: RowAction;
}

export async function expiringCredentialsReply(
  reader: TenantReader,
  caller: Caller,
  isAdmin: boolean,
  now: Date,
  withinDays = DEFAULT_EXPIRY_WINDOW_DAYS,
  fromIndex?: { index: TenantIndex; live: LiveConnections },
): Promise<Reply> {
  const retry = { view: 'expiringCredentials', withinDays };
  const mine = !isAdmin ? fromIndex?.index.appsOwnedBy(caller.userId, withinDays) : undefined;
  const read = mine && fromIndex ? await readOwnApps(reader, caller, fromIndex, mine, now, withinDays) : undefined;
  const gathered = read ?? (await readTenantApps(reader, caller, isAdmin, now, withinDays));
  if (gathered.kind === 'refusal') return withGaps({ text: gathered.text, cards: [] }, reader.gaps, retry);
  if (gathered.kind === 'unread') return withGaps({ cards: [] }, reader.gaps, retry);
  const { visible, environments, connections } = gathered;
  const ownerIds = [...new Set(visible.flatMap((a) => a.ownerIds))];
  const users = (await Promise.all(ownerIds.map((id) => reader.user(id)))).filter((u) => u !== undefined);
  const snapshot: TenantSnapshot = {
    ...emptySnapshot(now),
    environments,
    connections,
    apps: visible,
    users,
  };
  const expiring = credentialsExpiringSoon(snapshot, { withinDays });
  const expired = expiredCredentials(snapshot);
  const envName = (id: string) => environments.find((e) => e.id === id)?.displayName ?? id;
  const row = (finding: Finding): CredentialRow => {
    const [, appId, keyId] = finding.id.split(':');
    const app = visible.find((a) => a.appId.toLowerCase() === appId);
    const credential = app ? credentialsOf(app).find((c) => c.keyId.toLowerCase() === keyId) : undefined;
    const days = finding.daysLeft ?? 0;
    const when =
      days > 0
        ? `expires in ${days} day${days === 1 ? '' : 's'}`
        : days === 0
          ? 'expired today'
          : `expired ${-days} day${days === -1 ? '' : 's'} ago`;
    const dependents = app
      ? snapshot.connections.filter((c) => c.servicePrincipalAppId?.toLowerCase() === app.appId.toLowerCase())
      : [];
    return {
      app: finding.subject,
      detail: `${credential?.kind === 'certificate' ? 'Certificate' : 'Secret'}${credential?.displayName ? ` "${credential.displayName}"` : ''} ${when}${credential?.endDateTime ? ` (${credential.endDateTime.slice(0, 10)})` : ''}${finding.kind === 'credential-stale' ? ' — stale, remove it' : ''}`,
      owners: finding.owner ?? 'no owner',
      connections: dependents.length
        ? `Used by ${dependents
            .slice(0, MAX_CONNECTIONS_NAMED)
            .map(
              (c) => `${c.displayName} (${envName(c.environmentId)}${c.status === 'Connected' ? '' : `, ${c.status}`})`,
            )
            .join(
              ', ',
            )}${dependents.length > MAX_CONNECTIONS_NAMED ? ` and ${dependents.length - MAX_CONNECTIONS_NAMED} more` : ''}`
        : 'No connection signs in with this app',
      action: rowActionOf(finding.action),
    };
  };
  const soon = expiring.sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0)).map(row);
  const past = expired.sort((a, b) => (b.daysLeft ?? 0) - (a.daysLeft ?? 0)).map(row);
  const card = renderCard('expiringCredentials', {
    title: `Secrets and certificates expiring within ${withinDays} days`,
    summary:
      `${soon.length} expiring soon, ${past.length} expired` +
      (isAdmin ? ' (all app registrations).' : ' (app registrations you own).') +
      (read && fromIndex
        ? ` Your apps as listed by the tenant scan of ${ageText(fromIndex.index.takenAt, now)}; their secrets and connection statuses read now.`
        : ''),
    daysChart: daysLeftChart(expiring),
    expiring: soon.slice(0, MAX_ROWS_PER_SECTION),
    expired: past.slice(0, MAX_ROWS_PER_SECTION),
    rowsLeftOut: leftOutText(soon.length, past.length),
    empty: soon.length + past.length === 0 ? `Nothing expires in the next ${withinDays} days.` : '',
  });
  return withGaps({ cards: [card] }, reader.gaps, retry);
}

type Gathered =
  | { kind: 'apps'; visible: SnapshotApp[]; environments: Environment[]; connections: Connection[] }
  | { kind: 'refusal'; text: string }
  | { kind: 'unread' };

const endsBy = (app: AppRegistration, limit: number) =>
  credentialsOf(app).some((c) => c.endDateTime !== undefined && new Date(c.endDateTime).getTime() <= limit);

/** Every app registration of the tenant, then the owners of those with something to report (admins; no index). */
async function readTenantApps(
  reader: TenantReader,
  caller: Caller,
  isAdmin: boolean,
  now: Date,
  withinDays: number,
): Promise<Gathered> {
  const limit = now.getTime() + withinDays * 86_400_000;
  const apps = await reader.applications();
  if (!apps) return { kind: 'unread' };
  const relevant = apps.filter((app) => endsBy(app, limit));
  const withOwners: SnapshotApp[] = await Promise.all(
    relevant.map(async (app) => ({ ...app, ownerIds: (await reader.applicationOwnerIds(app)) ?? [] })),
  );
  const me = caller.userId.toLowerCase();
  const visible = isAdmin ? withOwners : withOwners.filter((a) => a.ownerIds.some((id) => id.toLowerCase() === me));
  if (!isAdmin && !visible.length) {
    const ownsAny = await Promise.all(
      apps
        .filter((a) => !relevant.includes(a))
        .slice(0, 50)
        .map(async (a) => (await reader.applicationOwnerIds(a))?.some((id) => id.toLowerCase() === me)),
    );
    const text = ownsAny.some(Boolean)
      ? `None of your app registrations has a secret or certificate expiring in the next ${withinDays} days.`
      : 'Expiring secrets are shown to admins and to the owners of each app registration, and you do not own any app registration. Ask a Power Platform admin if you need this.';
    return { kind: 'refusal', text };
  }
  // Connections are read only once the caller is known to see something: a refusal costs no Power Platform call.
  const environments = (await reader.environments()) ?? [];
  const connectionLists = await Promise.all(environments.map((e) => reader.connections(e)));
  return { kind: 'apps', visible, environments, connections: connectionLists.flatMap((l) => l ?? []) };
}

/**
 * A maker's own apps from the tenant index (the scan read their owners): each app read again for its current
 * credentials (a rotation since the scan shows) and its current owners (an app handed to someone else since is not
 * listed, nor offered [Rotate], which only its owners and admins may ask for), and only the connections that sign in
 * as them, each read now.
 */
async function readOwnApps(
  reader: TenantReader,
  caller: Caller,
  fromIndex: { index: TenantIndex; live: LiveConnections },
  mine: IndexedApp[],
  now: Date,
  withinDays: number,
): Promise<Gathered> {
  const { index, live } = fromIndex;
  const limit = now.getTime() + withinDays * 86_400_000;
  const current = await Promise.all(
    mine.map(async (app): Promise<SnapshotApp | undefined> => {
      const read = await reader.read(`application:${app.id}`, 'your app registrations', () =>
        reader.tenant.directory.getApplication(app.id),
      );
      // Owners that cannot be read now are the scan's (the reply says what could not be read).
      return read && { ...read, ownerIds: (await reader.applicationOwnerIds(read)) ?? app.ownerIds };
    }),
  );
  const me = caller.userId.toLowerCase();
  const visible = current.filter(
    (a): a is SnapshotApp => a !== undefined && endsBy(a, limit) && a.ownerIds.some((id) => id.toLowerCase() === me),
  );
  if (!visible.length && current.every((a) => a !== undefined)) {
    return {
      kind: 'refusal',
      text: `None of your app registrations has a secret or certificate expiring in the next ${withinDays} days.`,
    };
  }
  const dependents = visible.flatMap((a) => index.connectionsSigningInAs(a.appId));
  const connections = await Promise.all(
    dependents.map(async (c): Promise<Connection | undefined> => {
      const read = await live.read(
        reader,
        { environmentId: c.environmentId, connector: c.connector, name: c.name },
        'the connections that sign in with your apps',
        { now },
      );
      return read.kind === 'found' ? read.connection : read.kind === 'gone' ? undefined : c;
    }),
  );
  return {
    kind: 'apps',
    visible,
    environments: index.environments,
    connections: connections.filter((c): c is Connection => c !== undefined),
  };
}

function leftOutText(soon: number, past: number): string {
  const parts = [
    soon > MAX_ROWS_PER_SECTION ? `${soon - MAX_ROWS_PER_SECTION} more expiring` : '',
    past > MAX_ROWS_PER_SECTION ? `${past - MAX_ROWS_PER_SECTION} more expired` : '',
  ].filter(Boolean);
  return parts.length
    ? `Showing the ${MAX_ROWS_PER_SECTION} most urgent of each: ${parts.join(' and ')} not listed. Ask for a shorter window (e.g. "which secrets expire in the next 7 days") or see the health report.`
    : '';
}
