/**
 * Contract test: answers of the real services, as public projects recorded them (test/clients/recorded/README.md),
 * replayed through the mappers, asserting what the product reads from them. A mapper that only works on the
 * emulator's own shapes fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  mapConnection,
  mapPermission,
  type WireConnection,
  type WirePermission,
} from '../../src/clients/mapConnection';
import { mapFlow, type WireFlow } from '../../src/clients/mapFlow';

const recorded = <T>(name: string): T =>
  JSON.parse(fs.readFileSync(path.join(__dirname, 'recorded', name), 'utf8')) as T;

describe('recorded Power Platform connections (Terraform provider fixtures)', () => {
  const list = recorded<{ value: WireConnection[] }>('tf-get_connections.json');

  it('maps a user (OAuth) connection of the connections list', () => {
    const c = mapConnection(list.value[0], 'fallback-env');
    expect(c).toMatchObject({
      name: '00000000-0000-0000-0000-000000000001',
      connector: 'shared_commondataserviceforapps',
      displayName: 'My CDS Connection',
      // Only `environment.id` is given: its last segment is the environment's name.
      environmentId: '00000000-0000-0000-0000-000000000001',
      status: 'Connected',
      accountName: 'admin@contoso.com',
      authType: 'user',
      isCustomConnector: false,
      createdTime: '2024-07-23T08:17:04.537991Z',
      lastModifiedTime: '2024-07-28T13:57:06.3545891Z',
    });
    expect(c.createdBy).toEqual({
      id: 'f99f844b-ce3b-49ae-86f3-e374ecae789c',
      displayName: 'admin',
      userPrincipalName: 'admin@contoso.com',
      type: 'User',
    });
    expect(c.servicePrincipalAppId).toBeUndefined();
  });

  it('maps a first-party connection whose parameter set has empty values', () => {
    const c = mapConnection(list.value[1], 'fallback-env');
    expect(c).toMatchObject({
      connector: 'shared_flowmanagement',
      environmentId: '00000000-0000-0000-0000-000000000001',
      status: 'Connected',
      authType: 'user',
      servicePrincipalAppId: undefined,
    });
  });

  it('maps the answer of a connection PUT (no account: a key-based connection)', () => {
    const c = mapConnection(recorded<WireConnection>('tf-put_connection.json'), 'fallback-env');
    expect(c).toMatchObject({
      name: 'd4e4a6ff9a67492aa1f6de854528668c',
      connector: 'shared_azureopenai',
      displayName: 'OpenAI Connection',
      environmentId: '00000000-0000-0000-0000-000000000001',
      status: 'Connected',
      authType: 'other',
      accountName: undefined,
    });
  });

  it('keeps a service principal’s permission id, which is not its principal id', () => {
    const shares = recorded<{ value: WirePermission[] }>('tf-get_connection_shares.json').value.map(mapPermission);
    const sp = shares.find((p) => p.principal.type === 'ServicePrincipal')!;
    expect(sp).toEqual({
      principal: {
        id: 'c52d4a80-3db9-4152-8601-2f8c131c4a90',
        displayName: 'Power Platform API',
        userPrincipalName: undefined,
        type: 'ServicePrincipal',
      },
      roleName: 'CanViewWithShare',
      id: '/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps/connections/00000000000000000000000000000002/permissions/4fac9a58-a88e-417e-bad7-fe0ea64582e3',
    });
    const owner = shares.find((p) => p.roleName === 'Owner')!;
    expect(owner.principal).toMatchObject({ id: 'f99f844b-ce3b-49ae-86f3-e374ecae789c', type: 'User' });
    expect(owner.principal.userPrincipalName).toBe('admin@contoso.com');
    expect(owner.id!.endsWith('/permissions/f99f844b-ce3b-49ae-86f3-e374ecae789c')).toBe(true);
  });
});

describe('recorded Flow API answers (CLI for Microsoft 365 mocks)', () => {
  it('maps list items, which carry no connectionReferences (the client then reads each flow)', () => {
    const items = recorded<{ value: WireFlow[] }>('cli-flow-list.json').value;
    expect(items.every((w) => w.properties.connectionReferences === undefined)).toBe(true);
    const flows = items.map((w) => mapFlow(w, 'fallback-env'));
    expect(flows.map((f) => [f.id, f.displayName, f.state, f.environmentId, f.creatorId])).toEqual([
      [
        '1c6ee23a-a835-44bc-a4f5-462b658efc13',
        'Send myself a reminder in 10 minutes',
        'Started',
        'Default-d87a7535-dd31-4437-bfe1-95340acd55c5',
        'da8f7aea-cf43-497f-ad62-c2feae89a194',
      ],
      [
        '3989cb59-ce1a-4a5c-bb78-257c5c39381d',
        'Get a daily digest of the top CNN news',
        'Started',
        'Default-d87a7535-dd31-4437-bfe1-95340acd55c5',
        'da8f7aea-cf43-497f-ad62-c2feae89a194',
      ],
    ]);
  });

  it('maps a single flow whose references are under installedConnectionReferences', () => {
    const flow = mapFlow(recorded<WireFlow>('cli-flow-get.json'), 'fallback-env');
    expect(flow).toMatchObject({
      id: 'a18e89d1-4c75-41e4-9517-e90aedc079be',
      displayName: 'TEST',
      state: 'Started',
      environmentId: 'Default-e1dd4023-a656-480a-8a0e-c1b1eec51e1d',
      creatorId: 'fe36f75e-c103-410b-a18a-2bf6df06ac3a',
    });
    expect(flow.connectionReferences).toEqual([
      {
        key: 'shared_approvals',
        connector: 'shared_approvals',
        connectionName: 'shared-approvals-068230cf-43ef-455d-b823-ee6f989d0193',
        connectionReferenceLogicalName: undefined,
        source: 'Invoker',
      },
    ]);
  });
});
