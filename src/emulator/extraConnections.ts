/**
 * Extra connections for one named user (StartOptions.extraConnectionsFor): the "user with 500 connections" the
 * status-card benchmark needs, which scale mode does not give (it spreads connections over many synthetic users).
 * Deterministic: the same count gives the same rows, spread round-robin over the tenant's environments (or over its
 * first `environments`: the named fixture's come first, so a bench can give a maker the same connections in the same
 * environments on a small and on a big tenant), with a few in Error (token refresh failed) and a few needing
 * configuration so the card shows a realistic mix.
 */
import { CONNECTORS } from './fixture';
import { indexTenant, type EmuConnection, type TenantState } from './tenantState';

const CONNECTOR_CYCLE = [
  'shared_office365',
  'shared_sharepointonline',
  'shared_teams',
  'shared_sql',
  'shared_commondataserviceforapps',
  'shared_approvals',
];

export interface ExtraConnections {
  /** The owner's user principal name (a user of the fixture, e.g. meganb@example.com). */
  upn: string;
  count: number;
  /** Spread over the tenant's first this many environments only (default: every environment). */
  environments?: number;
}

export function addConnectionsFor(state: TenantState, extra: ExtraConnections, now: Date): TenantState {
  const owner = state.index.usersByUpn.get(extra.upn.toLowerCase());
  if (!owner) throw new Error(`extraConnectionsFor: no user ${extra.upn} in the tenant`);
  const environments = extra.environments ? state.environments.slice(0, extra.environments) : state.environments;
  if (!environments.length) throw new Error('extraConnectionsFor: the tenant has no environments');
  const stamp = new Date(now.getTime() - 30 * 86_400_000).toISOString();
  const added: EmuConnection[] = [];
  for (let i = 0; i < Math.max(0, Math.floor(extra.count)); i++) {
    const connector = CONNECTOR_CYCLE[i % CONNECTOR_CYCLE.length];
    const label = CONNECTORS[connector]?.displayName ?? connector;
    const connection: EmuConnection = {
      name: `extra${owner.id.slice(-4)}${String(i).padStart(6, '0')}`,
      connector,
      connectorDisplayName: label,
      environmentId: environments[i % environments.length].name,
      displayName: `${label} ${i + 1} (${owner.displayName})`,
      ownerId: owner.id,
      auth: { kind: 'user', accountName: owner.userPrincipalName },
      createdTime: stamp,
      lastModifiedTime: stamp,
    };
    if (i % 25 === 7) {
      connection.fixedError = {
        code: 'Unauthorized',
        target: 'token',
        message: `Failed to refresh access token for service: ${connector.replace('shared_', '')}. Error: AADSTS50173: The provided grant has expired due to it being revoked.`,
      };
    } else if (i % 50 === 13) connection.configurationNeeded = true;
    added.push(connection);
  }
  const { index: _index, ...rest } = state;
  return indexTenant({ ...rest, connections: [...state.connections, ...added] });
}
