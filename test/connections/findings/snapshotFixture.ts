/**
 * A small plain-data snapshot shaped like the demo tenant, for the pure rule functions (no emulator needed: the
 * rules take plain data by design). Dates are relative to NOW.
 */
import type { Connection, User } from '../../../src/tenant/model';
import { emptySnapshot, type TenantSnapshot } from '../../../src/connections/tenantSnapshot';

export const NOW = new Date('2025-06-01T08:00:00Z');
const day = 86_400_000;
export const inDays = (n: number) => new Date(NOW.getTime() + n * day).toISOString();

const user = (id: string, displayName: string, upn: string, accountEnabled = true): User => ({
  id,
  displayName,
  userPrincipalName: upn,
  accountEnabled,
  userType: 'Member',
});

export const megan = user('u-megan', 'Megan Bowen', 'meganb@example.com');
export const lee = user('u-lee', 'Lee Gu', 'leeg@example.com', false);
export const tech = user('u-tech', 'TechUser_Sharepoint_PRD', 'techuser_sp_prd@example.com');

const connection = (over: Partial<Connection> & Pick<Connection, 'name' | 'environmentId'>): Connection => ({
  connector: 'shared_sharepointonline',
  displayName: over.name,
  status: 'Connected',
  createdBy: { id: megan.id, displayName: megan.displayName, type: 'User', userPrincipalName: megan.userPrincipalName },
  authType: 'user',
  isCustomConnector: false,
  ...over,
});

export function demoLikeSnapshot(): TenantSnapshot {
  const s = emptySnapshot(NOW);
  s.users = [megan, lee, tech];
  s.environments = [
    { id: 'env-dev', displayName: 'Contoso DEV', isDefault: false },
    { id: 'env-prod', displayName: 'Contoso PROD', isDefault: false },
  ];
  s.apps = [
    {
      id: 'obj-d365',
      appId: 'app-d365',
      displayName: 'D365-App-Registration',
      passwordCredentials: [{ keyId: 'k1', endDateTime: inDays(10) }],
      keyCredentials: [],
      ownerIds: [megan.id],
    },
    {
      id: 'obj-appuser',
      appId: 'app-appuser',
      displayName: 'AppUser_Dataverse_PRD',
      passwordCredentials: [{ keyId: 'k2', endDateTime: inDays(45) }],
      keyCredentials: [],
      ownerIds: [],
    },
    {
      id: 'obj-coe',
      appId: 'app-coe',
      displayName: 'CoE-Sync-SP',
      passwordCredentials: [{ keyId: 'k3', endDateTime: inDays(-3) }],
      keyCredentials: [],
      ownerIds: [],
    },
    {
      id: 'obj-lunch',
      appId: 'app-lunch',
      displayName: 'Lunch-Order-App',
      passwordCredentials: [],
      keyCredentials: [{ keyId: 'k4', endDateTime: inDays(20), type: 'AsymmetricX509Cert' }],
      ownerIds: [],
    },
    {
      id: 'obj-legacy',
      appId: 'app-legacy',
      displayName: 'Legacy-Integration',
      passwordCredentials: [
        { keyId: 'k5', endDateTime: inDays(-400) },
        { keyId: 'k6', endDateTime: inDays(300) },
      ],
      keyCredentials: [],
      ownerIds: [lee.id],
    },
  ];
  s.connections = [
    connection({
      name: 'c-megan-sp-prod',
      environmentId: 'env-prod',
      displayName: 'Megan SharePoint',
      status: 'Error',
      error: {
        code: 'Unauthorized',
        message: 'Failed to refresh access token for service: sharepoint',
        target: 'token',
      },
    }),
    connection({
      name: 'c-lee',
      environmentId: 'env-prod',
      displayName: 'Lee SQL',
      connector: 'shared_sql',
      createdBy: { id: lee.id, displayName: lee.displayName, type: 'User' },
    }),
    connection({
      name: 'c-tech',
      environmentId: 'env-prod',
      displayName: 'Tech SharePoint',
      createdBy: {
        id: tech.id,
        displayName: tech.displayName,
        type: 'User',
        userPrincipalName: tech.userPrincipalName,
      },
    }),
    connection({
      name: 'c-coe',
      environmentId: 'env-prod',
      displayName: 'CoE Dataverse',
      status: 'Error',
      connector: 'shared_commondataserviceforapps',
      authType: 'servicePrincipal',
      servicePrincipalAppId: 'app-coe',
      error: { code: 'Unauthorized', message: 'AADSTS7000222', target: 'token' },
    }),
    connection({
      name: 'c-abc-prod',
      environmentId: 'env-prod',
      connector: 'shared_commondataserviceforapps',
      authType: 'servicePrincipal',
      servicePrincipalAppId: 'app-d365',
    }),
    connection({
      name: 'c-megan-dev',
      environmentId: 'env-dev',
      displayName: 'Megan Outlook DEV',
      connector: 'shared_office365',
    }),
    connection({ name: 'c-config', environmentId: 'env-dev', displayName: 'Half-made', status: 'ConfigurationNeeded' }),
  ];
  const ref = (id: string, logicalName: string, connectionName?: string, displayName = logicalName) => ({
    id,
    logicalName,
    displayName,
    connectionName,
    connectorId: '/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps',
    isManaged: false,
    environmentId: 'env-prod',
  });
  s.references = [
    ref('r-abc', 'abc_dataverse', 'c-abc-prod', 'ABCSOL DataVerse Connection Ref'),
    ref('r-cryptic', 'cr6a1_sharedcommondataserviceforapps_5f2c1', 'c-abc-prod'),
    ref('r-unbound', 'inv_approvals', undefined, 'INV Approvals Ref'),
    { ...ref('r-custom', 'inv_inventory', 'c-gone', 'Inventory API Ref'), customConnectorId: 'cc-old' },
  ];
  s.solutions = [
    {
      id: 's-abc',
      uniqueName: 'ABCSOL',
      friendlyName: 'ABCSOL',
      isManaged: false,
      environmentId: 'env-prod',
      componentObjectIds: ['r-abc'],
    },
    {
      id: 's-inv',
      uniqueName: 'InvoiceApprovals',
      friendlyName: 'Invoice Approvals',
      isManaged: false,
      environmentId: 'env-prod',
      componentObjectIds: ['r-cryptic', 'r-unbound', 'wf-invoice'],
    },
    {
      id: 's-default',
      uniqueName: 'Default',
      friendlyName: 'Default Solution',
      isManaged: false,
      environmentId: 'env-prod',
      componentObjectIds: ['r-abc', 'r-cryptic', 'r-unbound', 'wf-invoice'],
    },
  ];
  s.flows = [
    {
      id: 'f-site',
      displayName: 'Site request intake',
      environmentId: 'env-prod',
      state: 'Started',
      creatorId: megan.id,
      connectionReferences: [
        { key: 'sp', connector: 'shared_sharepointonline', connectionName: 'c-megan-sp-prod', source: 'Embedded' },
      ],
    },
    {
      id: 'f-vendor',
      displayName: 'Vendor onboarding',
      environmentId: 'env-prod',
      state: 'Started',
      creatorId: lee.id,
      connectionReferences: [{ key: 'sql', connector: 'shared_sql', connectionName: 'c-lee', source: 'Embedded' }],
    },
    {
      id: 'f-invoice',
      workflowId: 'wf-invoice',
      displayName: 'Invoice approval routing',
      environmentId: 'env-prod',
      state: 'Stopped',
      creatorId: megan.id,
      connectionReferences: [
        {
          key: 'dv',
          connector: 'shared_commondataserviceforapps',
          connectionReferenceLogicalName: 'abc_dataverse',
          source: 'Embedded',
        },
        {
          key: 'dv2',
          connector: 'shared_commondataserviceforapps',
          connectionReferenceLogicalName: 'inv_approvals',
          source: 'Embedded',
        },
      ],
    },
    {
      id: 'f-tech',
      displayName: 'Lunch',
      environmentId: 'env-prod',
      state: 'Started',
      creatorId: tech.id,
      connectionReferences: [
        { key: 'sp', connector: 'shared_sharepointonline', connectionName: 'c-tech', source: 'Embedded' },
      ],
    },
  ];
  s.applicationUsers = [
    {
      id: 'au-d365',
      applicationId: 'APP-D365',
      fullName: '# D365',
      isDisabled: false,
      environmentId: 'env-prod',
      roles: [{ id: 'r1', name: 'System Administrator' }],
    },
    {
      id: 'au-appuser',
      applicationId: 'app-appuser',
      fullName: '# AppUser',
      isDisabled: false,
      environmentId: 'env-prod',
      roles: [{ id: 'r2', name: 'Lunch Order Least Privilege' }],
    },
  ];
  return s;
}
