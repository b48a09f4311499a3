import { connectionStatus, connectorFromApiId, mapConnection, mapEnvironment } from '../../src/clients/mapConnection';

describe('mapConnection', () => {
  it('reads a service-principal connection: oauthSP set, app id, broken token status', () => {
    const connection = mapConnection(
      {
        name: 'conn-1',
        id: '/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps/connections/conn-1',
        properties: {
          apiId: '/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps',
          displayName: 'CoE sync',
          statuses: [
            { status: 'Error', target: 'token', error: { code: 'Unauthorized', message: 'Failed to refresh' } },
          ],
          connectionParametersSet: { name: 'oauthSP', values: { 'token:clientId': { value: 'app-1' } } },
          createdBy: { id: 'u1', displayName: 'Alex', type: 'User', userPrincipalName: 'alexw@example.com' },
        },
      },
      'env-1',
    );
    expect(connection).toMatchObject({
      name: 'conn-1',
      connector: 'shared_commondataserviceforapps',
      environmentId: 'env-1',
      status: 'Error',
      error: { code: 'Unauthorized', target: 'token' },
      authType: 'servicePrincipal',
      servicePrincipalAppId: 'app-1',
      isCustomConnector: false,
      createdBy: { id: 'u1', type: 'User', userPrincipalName: 'alexw@example.com' },
    });
  });

  it('reads a certificate parameter set as a service principal, not as a person, and SQL logins as neither', () => {
    const wire = (set: { name: string; values?: Record<string, { value: string }> }) =>
      mapConnection(
        {
          name: 'c',
          properties: {
            apiId: '/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps',
            connectionParametersSet: set,
          },
        },
        'e',
      );
    const certificate = wire({
      name: 'oauthCertificate',
      values: { 'token:clientId': { value: 'app-2' }, 'token:TenantId': { value: 'other-tenant' } },
    });
    expect(certificate).toMatchObject({
      authType: 'servicePrincipal',
      servicePrincipalAppId: 'app-2',
      servicePrincipalTenantId: 'other-tenant',
    });
    expect(wire({ name: 'oauth' }).authType).toBe('user');
    expect(wire({ name: 'sqlAuthentication', values: { server: { value: 's' } } }).authType).toBe('other');
  });

  it('marks connectors under an environment as custom', () => {
    const connection = mapConnection(
      {
        name: 'c',
        properties: { apiId: '/providers/Microsoft.PowerApps/scopes/admin/environments/e/apis/shared_inv-5f1' },
      },
      'e',
    );
    expect(connection.isCustomConnector).toBe(true);
  });

  it('lets Error win over ConfigurationNeeded and needs a Connected status to say Connected', () => {
    expect(connectionStatus([{ status: 'ConfigurationNeeded' }, { status: 'Error' }]).status).toBe('Error');
    expect(connectionStatus([{ status: 'Connected' }, { status: 'ConfigurationNeeded' }]).status).toBe(
      'ConfigurationNeeded',
    );
    expect(connectionStatus([{ status: 'Connected' }]).status).toBe('Connected');
    expect(connectionStatus(undefined).status).toBe('ConfigurationNeeded');
  });

  it('reads the Dataverse org URL of an environment', () => {
    expect(
      mapEnvironment({
        name: 'env-1',
        properties: {
          displayName: 'Contoso PROD',
          linkedEnvironmentMetadata: { instanceUrl: 'https://org.crm.dynamics.com/' },
        },
      }),
    ).toEqual({
      id: 'env-1',
      displayName: 'Contoso PROD',
      isDefault: false,
      dataverseUrl: 'https://org.crm.dynamics.com',
    });
  });

  it('takes the connector from the segment after the last "apis", else the last segment', () => {
    const cases: [string | undefined, string][] = [
      ['/providers/Microsoft.PowerApps/apis/shared_office365', 'shared_office365'],
      ['/providers/Microsoft.PowerApps/scopes/admin/environments/env-1/apis/shared_custom-5f/', 'shared_custom-5f'],
      ['//apis//apis/x//', 'x'],
      ['/apis/a/apis', 'apis'],
      ['shared_sql', 'shared_sql'],
      ['///', ''],
      ['', ''],
      [undefined, ''],
    ];
    for (const [apiId, connector] of cases) expect(connectorFromApiId(apiId)).toBe(connector);
  });
});
