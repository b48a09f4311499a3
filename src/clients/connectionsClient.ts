/**
 * ConnectionsPort: environments from the BAP admin API, connection lists and permissions from the classic Power
 * Apps admin API, single connections and their update (PUT of the whole object) from the Power Platform API, which
 * is served per environment host.
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
import { odataString, segment, withQuery } from './odata';
import { collect, paginate, paginatePagesOfSize, type PageSizeMemory } from './paginate';

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

  async *listConnections(environmentId: string): AsyncIterable<Connection> {
    const url = withQuery(`${this.adminEnvironment(environmentId)}/connections`, { 'api-version': '2016-11-01' });
    for await (const page of paginatePagesOfSize<WireConnection>(this.apis.powerApps, url, LIST_PAGE, this.pageSize, {
      operation: 'listConnections',
    })) {
      for (const wire of page) yield mapConnection(wire, environmentId);
    }
  }

  async getConnection(environmentId: string, connector: string, connectionName: string): Promise<Connection> {
    return mapConnection(await this.getWire(environmentId, connector, connectionName), environmentId);
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

  async modifyPermissions(
    environmentId: string,
    connector: string,
    connectionName: string,
    change: PermissionChange,
  ): Promise<void> {
    const connectionId = `/providers/Microsoft.PowerApps/apis/${connector}/connections/${connectionName}`;
    const body = {
      put: (change.put ?? []).map((p) => ({
        properties: {
          roleName: p.roleName,
          capabilities: [],
          NotifyShareTargetOption: 'Notify',
          principal: { id: p.principal.id, type: p.principal.type, tenantId: this.endpoints.tenantId },
        },
      })),
      delete: (change.delete ?? []).map((principalId) => ({ id: `${connectionId}/permissions/${principalId}` })),
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
