/**
 * ConnectionsPort: environments from the BAP admin API; connection lists, single connections (the connector's admin
 * list), permissions and shares from the classic Power Apps admin API; the update of a connection (GET and PUT of
 * the whole object) from the Power Platform API, served per environment host, which has no admin scope: the bot
 * may update only connections it owns or that are shared with it as CanEdit.
 */
import type { Connection, ConnectionPermission, Environment, PermissionChange } from '../tenant/model';
import type { ConnectionsPort } from '../tenant/ports';
import { powerPlatformBase } from './endpoints';
import type { ApiClient } from './httpClient';
import {
  mapConnection,
  mapEnvironment,
  mapPermission,
  type WireConnection,
  type WireEnvironment,
  type WirePermission,
} from './mapConnection';
import { ConnectorListReads } from './connectorListReads';
import { odataString, segment, withQuery } from './odata';
import { collect, paginate, paginatePagesOfSize, type PageSizeMemory } from './paginate';
import { TenantApiError } from '../tenant/errors';
import { pagedList, type PagedList } from '../tenant/pagedList';

/** Connections per page of the admin list (as public admin scripts ask; the default is 100). */
const LIST_PAGE = 250;

export interface ConnectionsClientApis {
  bap: ApiClient;
  powerApps: ApiClient;
  powerPlatform: ApiClient;
}

export interface ConnectionsClientEndpoints {
  tenantId: string;
  bap: string;
  powerApps: string;
  /** URL template with {environmentHost}. */
  powerPlatform: string;
}

export class ConnectionsClient implements ConnectionsPort {
  private readonly pageSize: PageSizeMemory = { refused: false };
  private readonly connectorReads = new ConnectorListReads();

  constructor(
    private readonly apis: ConnectionsClientApis,
    private readonly endpoints: ConnectionsClientEndpoints,
  ) {}

  async listEnvironments(): Promise<Environment[]> {
    const url = withQuery(`${this.endpoints.bap}/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments`, {
      'api-version': '2020-10-01',
    });
    const wires = await collect(paginate<WireEnvironment>(this.apis.bap, url, { operation: 'listEnvironments' }));
    return wires.map(mapEnvironment);
  }

  listConnections(environmentId: string): PagedList<Connection> {
    const url = withQuery(`${this.adminEnvironment(environmentId)}/connections`, { 'api-version': '2016-11-01' });
    const { powerApps } = this.apis;
    const pageSize = this.pageSize;
    return pagedList(async function* () {
      for await (const page of paginatePagesOfSize<WireConnection>(powerApps, url, LIST_PAGE, pageSize, {
        operation: 'listConnections',
      })) {
        yield page.map((wire) => mapConnection(wire, environmentId));
      }
    });
  }

  /**
   * Through the connector's admin connection list, not the Power Platform API's connectivity route: that route has
   * no admin scope and refuses a connection the bot neither owns nor was shared, and the admin API has no GET of one
   * connection. Connections of one connector in one environment asked for at the same time share one read of the
   * list (ConnectorListReads).
   */
  async getConnection(environmentId: string, connector: string, connectionName: string): Promise<Connection> {
    const url = withQuery(`${this.adminEnvironment(environmentId)}/apis/${segment(connector)}/connections`, {
      'api-version': '2016-11-01',
    });
    // Pages as large as the admin lists ask for: a connector can hold thousands of connections in one environment.
    const pages = () =>
      paginatePagesOfSize<WireConnection>(this.apis.powerApps, url, LIST_PAGE, this.pageSize, {
        operation: 'getConnection',
      });
    const wire = await this.connectorReads.find(connectorListKey(environmentId, connector), connectionName, pages);
    if (wire) return mapConnection(wire, environmentId);
    throw new TenantApiError({
      message: `powerApps getConnection: no connection '${connectionName}' of '${connector}' in environment '${environmentId}'`,
      code: 'ConnectionNotFound',
      kind: 'notFound',
      api: 'powerApps',
      status: 404,
    });
  }

  async listPermissions(
    environmentId: string,
    connector: string,
    connectionName: string,
  ): Promise<ConnectionPermission[]> {
    const url = withQuery(`${this.adminConnection(environmentId, connector, connectionName)}/permissions`, {
      'api-version': '2017-06-01',
    });
    const wires = await collect(paginate<WirePermission>(this.apis.powerApps, url, { operation: 'listPermissions' }));
    return wires.map(mapPermission);
  }

  /**
   * Removals name each permission by the id the service gave it: a principal id is turned into the id of that
   * principal's permission as read, since for a service principal the two differ.
   */
  private async permissionIdsToDelete(
    environmentId: string,
    connector: string,
    connectionName: string,
    change: PermissionChange,
  ): Promise<string[]> {
    const ids = [...(change.deleteIds ?? [])];
    const principals = (change.delete ?? []).map((p) => p.toLowerCase());
    if (!principals.length) return ids;
    const held = await this.listPermissions(environmentId, connector, connectionName);
    const connectionId = `/providers/Microsoft.PowerApps/apis/${connector}/connections/${connectionName}`;
    for (const principalId of principals) {
      const matching = held.filter((p) => p.principal.id.toLowerCase() === principalId && p.roleName !== 'Owner');
      for (const permission of matching) ids.push(permission.id ?? `${connectionId}/permissions/${principalId}`);
    }
    return [...new Set(ids)];
  }

  async modifyPermissions(
    environmentId: string,
    connector: string,
    connectionName: string,
    change: PermissionChange,
  ): Promise<void> {
    const deleteIds = await this.permissionIdsToDelete(environmentId, connector, connectionName, change);
    const body = {
      put: (change.put ?? []).map((p) => ({
        properties: {
          roleName: p.roleName,
          capabilities: [],
          NotifyShareTargetOption: 'Notify',
          principal: { id: p.principal.id, type: p.principal.type, tenantId: this.endpoints.tenantId },
        },
      })),
      delete: deleteIds.map((id) => ({ id })),
    };
    await this.apis.powerApps.request({
      method: 'POST',
      url: withQuery(`${this.adminConnection(environmentId, connector, connectionName)}/modifyPermissions`, {
        'api-version': '2017-06-01',
      }),
      operation: 'modifyPermissions',
      body,
      // Granting or removing the same roles twice leaves the same permissions.
      idempotent: true,
    });
  }

  async updateServicePrincipalSecret(
    environmentId: string,
    connector: string,
    connectionName: string,
    secret: { clientId: string; tenantId: string; clientSecret: string },
  ): Promise<Connection> {
    const wire = await this.getWire(environmentId, connector, connectionName);
    const set = wire.properties.connectionParametersSet ?? { name: 'oauthSP', values: {} };
    const updated: WireConnection = {
      ...wire,
      properties: {
        ...wire.properties,
        connectionParametersSet: {
          ...set,
          name: set.name ?? 'oauthSP',
          values: {
            ...set.values,
            // The connector's consent redirect URL, as the Terraform provider's service-principal example sends it.
            token: { value: consentRedirect(set.values?.token?.value, connector) },
            'token:clientId': { value: secret.clientId },
            'token:TenantId': { value: secret.tenantId },
            'token:clientSecret': { value: secret.clientSecret },
          },
        },
      },
    };
    const response = await this.apis.powerPlatform.request<WireConnection | ''>({
      method: 'PUT',
      url: this.ppConnectionUrl(environmentId, connector, connectionName),
      operation: 'updateConnection',
      body: updated,
      // A PUT of the whole object: sending it twice leaves the same connection.
      idempotent: true,
    });
    this.connectorReads.forget(connectorListKey(environmentId, connector));
    const answer = response.data;
    return answer && typeof answer === 'object' && answer.properties
      ? mapConnection(answer, environmentId)
      : this.getConnection(environmentId, connector, connectionName);
  }

  private async getWire(environmentId: string, connector: string, connectionName: string): Promise<WireConnection> {
    return this.apis.powerPlatform.get<WireConnection>(this.ppConnectionUrl(environmentId, connector, connectionName), {
      operation: 'getConnection',
    });
  }

  private ppConnectionUrl(environmentId: string, connector: string, connectionName: string): string {
    const base = powerPlatformBase(this.endpoints.powerPlatform, environmentId);
    return withQuery(`${base}/connectivity/connectors/${segment(connector)}/connections/${segment(connectionName)}`, {
      'api-version': '1',
      $filter: `environment eq ${odataString(environmentId)}`,
    });
  }

  private adminEnvironment(environmentId: string): string {
    return `${this.endpoints.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${segment(environmentId)}`;
  }

  private adminConnection(environmentId: string, connector: string, connectionName: string): string {
    return `${this.adminEnvironment(environmentId)}/apis/${segment(connector)}/connections/${segment(connectionName)}`;
  }
}

/** Names one connector's admin list in one environment, for ConnectorListReads. */
function connectorListKey(environmentId: string, connector: string): string {
  return `${environmentId}|${connector}`.toLowerCase();
}

/** The `token` parameter of a service-principal connection: kept when the service returned it, else the global one. */
function consentRedirect(current: unknown, connector: string): string {
  if (typeof current === 'string' && /^https:\/\//.test(current)) return current;
  return `https://global.consent.azure-apim.net/redirect/${connector.replace(/^shared_/, '')}`;
}
