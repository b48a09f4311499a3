/**
 * "Show my connections": the caller's connections (owned, or shared with them) across environments, problems
 * first, each with its status in plain words, the account behind it, how many flows use it and the next step as a
 * button. Grouped by environment and paged ([Show more]) to stay far below Teams' card size limit.
 *
 * Cost per turn: one connections list, one flows list and one references list per environment, all in parallel;
 * permissions only for connections the caller does not own (bounded, see SHARED_CHECK_LIMIT); one app lookup per
 * failing service-principal connection.
 */
import type { Caller } from '../access/caller';
import { renderCard } from '../cards/renderCard';
import { connectionStatusChart } from './chartData';
import type { Reply } from '../cards/reply';
import type { AppRegistration, Connection, Environment } from '../tenant/model';
import { canUseConnection } from './connectionAccess';
import { explainConnection } from './connectionExplanation';
import { connectionUsage } from './connectionUsage';
import { connectionsPageUrl } from './makerPortal';
import { withGaps } from './partialResult';
import { noAction, urlAction, type RowAction } from './rowAction';
import { rotateOrWhoCan } from './rotateRowAction';
import { connectionKey, connectorLabel } from './tenantFacts';
import type { TenantReader } from './tenantReader';

export const PAGE_SIZE = 15;
/** Above this many connections owned by others, checking each one's sharing costs too much for one chat turn. */
export const SHARED_CHECK_LIMIT = 150;

export interface Row {
  sortKey: string;
  environment: string;
  displayName: string;
  connector: string;
  statusLabel: string;
  statusColor: 'Good' | 'Attention' | 'Warning';
  problem: string;
  remedy: string;
  account: string;
  flowsText: string;
  ownerText: string;
  /** When the status shown was read (views from the tenant index); "" when it was read by this turn's listing. */
  checked: string;
  action: RowAction;
}

async function appFor(reader: TenantReader, appId: string): Promise<AppRegistration | undefined> {
  return reader.read(`appByAppId:${appId.toLowerCase()}`, 'the app registrations behind failing connections', () =>
    reader.tenant.directory.findApplicationByAppId(appId),
  );
}

export async function rowFor(
  reader: TenantReader,
  caller: Caller,
  environment: Environment,
  connection: Connection,
  flowCount: number,
  now: Date,
  /** Whether the caller is an admin: asked only for a row that would offer [Rotate] on an app they do not own. */
  isAdmin: () => Promise<boolean> = () => Promise.resolve(false),
): Promise<Row> {
  const mine = connection.createdBy.id.toLowerCase() === caller.userId.toLowerCase();
  const app =
    connection.status === 'Error' && connection.authType === 'servicePrincipal' && connection.servicePrincipalAppId
      ? await appFor(reader, connection.servicePrincipalAppId)
      : undefined;
  const explained = explainConnection(connection, app, now, caller.tenantId);
  let action: RowAction = noAction;
  let remedy = explained.remedy;
  if (explained.cause !== 'ok') {
    if (!mine) remedy = `Ask ${connection.createdBy.displayName}, who owns it: ${explained.remedy.toLowerCase()}`;
    else if (explained.offerRotation && app) {
      const rotate = await rotateOrWhoCan(reader, caller, app, isAdmin);
      action = rotate.action;
      if (rotate.whoCan) remedy = `${explained.remedy} ${rotate.whoCan}`;
    } else action = urlAction('Fix connection', connectionsPageUrl(environment.id));
  }
  const rank = explained.cause === 'ok' ? 2 : connection.status === 'Error' ? 0 : 1;
  return {
    sortKey: `${rank}|${environment.displayName}|${connection.displayName}`.toLowerCase(),
    environment: environment.displayName,
    displayName: connection.displayName,
    connector: connectorLabel(connection.connector),
    statusLabel: explained.statusLabel,
    statusColor: explained.cause === 'ok' ? 'Good' : connection.status === 'Error' ? 'Attention' : 'Warning',
    problem: explained.problem,
    remedy,
    account:
      connection.authType === 'servicePrincipal'
        ? `app ${app?.displayName ?? connection.servicePrincipalAppId ?? 'registration'}`
        : (connection.accountName ?? connection.createdBy.userPrincipalName ?? connection.createdBy.displayName),
    flowsText: flowCount === 0 ? 'no flows' : flowCount === 1 ? '1 flow' : `${flowCount} flows`,
    ownerText: mine ? 'yours' : `shared with you by ${connection.createdBy.displayName}`,
    checked: '',
    action,
  };
}

export async function myConnectionsReply(
  reader: TenantReader,
  caller: Caller,
  now: Date,
  page = 1,
  isAdmin?: () => Promise<boolean>,
): Promise<Reply> {
  const environments = await reader.environments();
  const retry = { view: 'myConnections', page };
  if (!environments) return withGaps({ cards: [] }, reader.gaps, retry);

  const loaded = await Promise.all(
    environments.map(async (environment) => {
      const [connections, flows, references] = await Promise.all([
        reader.connections(environment),
        reader.flows(environment),
        reader.references(environment),
      ]);
      const usage = connectionUsage({
        flows: flows ?? [],
        references: (references ?? []).map((r) => ({ ...r, environmentId: environment.id })),
      });
      return { environment, connections: connections ?? [], usage };
    }),
  );
  const me = caller.userId.toLowerCase();
  const others = loaded.flatMap((l) =>
    l.connections.filter((c) => c.createdBy.id.toLowerCase() !== me).map((c) => ({ ...l, connection: c })),
  );
  // Sharing is only visible in each connection's permissions: one request per connection owned by someone else.
  const sharedUnchecked = others.length > SHARED_CHECK_LIMIT;
  const shared = sharedUnchecked
    ? []
    : await Promise.all(
        others.map(async (o) =>
          (await canUseConnection(reader, o.connection, o.environment.displayName, me)) ? o : undefined,
        ),
      );
  const visible = [
    ...loaded.flatMap((l) =>
      l.connections.filter((c) => c.createdBy.id.toLowerCase() === me).map((c) => ({ ...l, connection: c })),
    ),
    ...shared.filter((o) => o !== undefined),
  ];
  const perEnvironment = await Promise.all(
    visible.map(({ environment, connection, usage }) =>
      rowFor(
        reader,
        caller,
        environment,
        connection,
        usage.get(connectionKey(environment.id, connection.name))?.length ?? 0,
        now,
        isAdmin,
      ),
    ),
  );
  const rows = perEnvironment.sort((a, b) => a.sortKey.localeCompare(b.sortKey));
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(page)), pages);
  const notes: string[] = [];
  if (sharedUnchecked)
    notes.push('Connections shared with you by others are not listed: there are too many to check in one go.');
  const card = myConnectionsCard({
    shown: rows.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE),
    total: rows.length,
    attention: rows.filter((r) => r.statusLabel !== 'Connected').length,
    statuses: rows.map((r) => r.statusLabel),
    environmentCount: new Set(rows.map((r) => r.environment)).size,
    page: current,
    pages,
    notes,
  });
  return withGaps({ cards: [card] }, reader.gaps, retry);
}

/** The card of one page of rows; `asOf` says how old the list is (cards built from the tenant index). */
export function myConnectionsCard(input: {
  shown: Row[];
  total: number;
  attention: number;
  environmentCount: number;
  page: number;
  pages: number;
  notes: string[];
  /** The status of every listed connection (all pages), for the chart: the same counts as the summary. */
  statuses: readonly string[];
  asOf?: string;
  /** The summary when there are no rows. */
  empty?: string;
}) {
  const { shown, total, attention, environmentCount, page: current, pages } = input;
  const groups: { environment: string; rows: Row[] }[] = [];
  for (const row of shown) {
    const last = groups[groups.length - 1];
    if (last && last.environment === row.environment) last.rows.push(row);
    else groups.push({ environment: row.environment, rows: [row] });
  }
  const summary = total
    ? `${total} connection${total === 1 ? '' : 's'} in ${environmentCount} environment${environmentCount === 1 ? '' : 's'}` +
      (attention ? `, ${attention} need${attention === 1 ? 's' : ''} attention.` : ', all connected.')
    : (input.empty ?? 'You have no connections of your own and none shared with you.');
  const notes = [...(pages > 1 ? [`Page ${current} of ${pages}.`] : []), ...input.notes];
  return renderCard('myConnections', {
    title: 'Your connections',
    summary,
    asOf: input.asOf ?? '',
    statusChart: connectionStatusChart(input.statuses),
    groups: groups.map((g) => ({ environment: g.environment, rows: g.rows.map(({ sortKey: _s, ...rest }) => rest) })),
    note: notes.join(' '),
    hasMore: current < pages,
    nextPage: current + 1,
    page: current,
  });
}
