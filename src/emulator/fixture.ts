/**
 * The named demo tenant of shared/demo-tenant.md, built fresh (reset) relative to "now": every user, group,
 * environment, app registration, solution, connection reference, flow and broken thing the story needs. Ids are
 * exported so that tests and other code refer to names, not literals.
 *
 * Beyond the document: the demo bot's own app ("Connection Ops (demo)", tenant admin), the technical user
 * TechUser_Sharepoint_PRD, and "ABCSOL-Dataverse-NonProd", the app behind the ABCSOL service-principal connections
 * of DEV and TEST. Dataverse connection references are solution components of type 10132 here: connection
 * references are a solution-aware *table*, and such component types are numbered per org (≥ 10000, no global
 * constant in the componenttype option set), so clients should match components by objectid, not by the number.
 */
import { randomUUID } from 'node:crypto';
import { newKeyCredential, newPasswordCredential, newSecretText } from './credentialMaterial';
import { cachedPem, selfSignedCertificate } from './certificate';
import {
  indexTenant,
  type ConnectionAuth,
  type DataverseOrg,
  type DvConnectionReference,
  type DvWorkflow,
  type EmuApplication,
  type EmuCanvasApp,
  type EmuConnection,
  type EmuEnvironment,
  type EmuFlow,
  type EmuFlowConnectionReference,
  type EmuUser,
  type TenantState,
} from './tenantState';

export const TENANT_ID = '00000000-0000-0000-0000-0000000000001';
export const DEMO_DOMAIN = 'example.com';
/** Every demo user signs in (ROPC) with this password. */
export const DEMO_PASSWORD = 'demo';

export const USERS = {
  alex: { id: '00000000-0000-0000-0000-0000000000020', upn: 'alexw@example.com', displayName: 'Alex Wilber' },
  megan: { id: '00000000-0000-0000-0000-0000000000021', upn: 'meganb@example.com', displayName: 'Megan Bowen' },
  adele: { id: '00000000-0000-0000-0000-0000000000022', upn: 'adelev@example.com', displayName: 'Adele Vance' },
  isaiah: { id: '00000000-0000-0000-0000-0000000000023', upn: 'isaiah@example.com', displayName: 'Isaiah Langer' },
  patti: { id: '00000000-0000-0000-0000-0000000000024', upn: 'pattif@example.com', displayName: 'Patti Fernandez' },
  lynne: { id: '00000000-0000-0000-0000-0000000000025', upn: 'lynner@example.com', displayName: 'Lynne Robbins' },
  lee: { id: '00000000-0000-0000-0000-0000000000026', upn: 'leeg@example.com', displayName: 'Lee Gu' },
  partner: {
    id: '00000000-0000-0000-0000-0000000000027',
    upn: 'partner_fabrikam.com#EXT#@example.com',
    displayName: 'Fabrikam partner',
  },
  techUser: {
    id: '00000000-0000-0000-0000-0000000000040',
    upn: 'techuser_sp_prd@example.com',
    displayName: 'TechUser_Sharepoint_PRD',
  },
} as const;
export type DemoUser = keyof typeof USERS;

export const GROUPS = {
  admins: { id: 'c0000000-0000-4000-8000-000000000001', displayName: 'Power Platform Admins' },
  approvers: { id: 'c0000000-0000-4000-8000-000000000002', displayName: 'Connection Ops Approvers' },
} as const;

export const ENVIRONMENTS = {
  default: { id: `Default-${TENANT_ID}`, displayName: 'Contoso (default)', orgName: 'contoso' },
  dev: { id: 'e0000000-0000-4000-8000-000000000001', displayName: 'Contoso DEV', orgName: 'contosodev' },
  test: { id: 'e0000000-0000-4000-8000-000000000002', displayName: 'Contoso TEST', orgName: 'contosotest' },
  prod: { id: 'e0000000-0000-4000-8000-000000000003', displayName: 'Contoso PROD', orgName: 'contosoprod' },
} as const;
export type DemoEnvironment = keyof typeof ENVIRONMENTS;

/** App registrations: Graph object id, client (app) id and service principal id. */
export const APPS = {
  bot: {
    id: 'a0000000-0000-4000-8000-0000000000c0',
    appId: 'b0000000-0000-4000-8000-0000000000c0',
    spId: 'd0000000-0000-4000-8000-0000000000c0',
    displayName: 'Connection Ops (demo)',
  },
  d365: {
    id: 'a0000000-0000-4000-8000-000000000001',
    appId: 'b0000000-0000-4000-8000-000000000001',
    spId: 'd0000000-0000-4000-8000-000000000001',
    displayName: 'D365-App-Registration',
  },
  dataversePrd: {
    id: 'a0000000-0000-4000-8000-000000000002',
    appId: 'b0000000-0000-4000-8000-000000000002',
    spId: 'd0000000-0000-4000-8000-000000000002',
    displayName: 'AppUser_Dataverse_PRD',
  },
  coeSync: {
    id: 'a0000000-0000-4000-8000-000000000003',
    appId: 'b0000000-0000-4000-8000-000000000003',
    spId: 'd0000000-0000-4000-8000-000000000003',
    displayName: 'CoE-Sync-SP',
  },
  lunchOrder: {
    id: 'a0000000-0000-4000-8000-000000000004',
    appId: 'b0000000-0000-4000-8000-000000000004',
    spId: 'd0000000-0000-4000-8000-000000000004',
    displayName: 'Lunch-Order-App',
  },
  legacy: {
    id: 'a0000000-0000-4000-8000-000000000005',
    appId: 'b0000000-0000-4000-8000-000000000005',
    spId: 'd0000000-0000-4000-8000-000000000005',
    displayName: 'Legacy-Integration',
  },
  abcsolNonProd: {
    id: 'a0000000-0000-4000-8000-000000000006',
    appId: 'b0000000-0000-4000-8000-000000000006',
    spId: 'd0000000-0000-4000-8000-000000000006',
    displayName: 'ABCSOL-Dataverse-NonProd',
  },
  almPipeline: {
    id: 'a0000000-0000-4000-8000-000000000007',
    appId: 'b0000000-0000-4000-8000-000000000007',
    spId: 'd0000000-0000-4000-8000-000000000007',
    displayName: 'ALM-Pipeline-SP',
  },
} as const;
export type DemoApp = keyof typeof APPS;

/** Connection names (the API hub's ids) of the named connections. */
export const CONNECTIONS = {
  prodD365Dataverse: 'c1a00000000040008000000000000001',
  prodLunchDataverse: 'c1a00000000040008000000000000002',
  prodCoeDataverse: 'c1a00000000040008000000000000003',
  prodTechWord: 'c1a00000000040008000000000000004',
  prodTechSharePoint: 'c1a00000000040008000000000000005',
  prodMeganSharePoint: 'c1a00000000040008000000000000006',
  prodMeganDataverse: 'c1a00000000040008000000000000007',
  prodLeeDataverse: 'c1a00000000040008000000000000008',
  prodLeeSharePoint: 'c1a00000000040008000000000000009',
  prodInventoryApi: 'c1a00000000040008000000000000010',
  devMeganOutlook: 'c1a00000000040008000000000000011',
  devMeganSharePoint: 'c1a00000000040008000000000000012',
  devAbcsolDataverse: 'c1a00000000040008000000000000013',
  testAbcsolDataverse: 'c1a00000000040008000000000000014',
  testInventoryApi: 'c1a00000000040008000000000000015',
  defaultAlexOutlook: 'c1a00000000040008000000000000016',
  defaultAdeleTeams: 'c1a00000000040008000000000000017',
  devMeganSql: 'c1a00000000040008000000000000018',
} as const;

/** Flow names (the Flow API's ids) of the named flows. */
export const FLOWS = {
  lunchOrder: 'f1a00000-0000-4000-8000-000000000001',
  abcsolProd: 'f1a00000-0000-4000-8000-000000000002',
  invoiceApproval: 'f1a00000-0000-4000-8000-000000000003',
  siteRequestIntake: 'f1a00000-0000-4000-8000-000000000004',
  vendorOnboarding: 'f1a00000-0000-4000-8000-000000000005',
  nightlyExport: 'f1a00000-0000-4000-8000-000000000006',
  coeInventorySync: 'f1a00000-0000-4000-8000-000000000007',
  weeklyReport: 'f1a00000-0000-4000-8000-000000000008',
  abcsolDev: 'f1a00000-0000-4000-8000-000000000009',
  abcsolTest: 'f1a00000-0000-4000-8000-000000000010',
  inventorySync: 'f1a00000-0000-4000-8000-000000000011',
  stockAlerts: 'f1a00000-0000-4000-8000-000000000012',
} as const;

export const FLOW_NAMES = {
  lunchOrder: 'Lunch order - create and store document',
  invoiceApproval: 'Invoice approval routing',
  weeklyReport: 'Weekly report',
  inventorySync: 'Inventory sync',
  vendorOnboarding: 'Vendor onboarding',
  nightlyExport: 'Nightly export',
  siteRequestIntake: 'Site request intake',
  stockAlerts: 'Stock alerts',
} as const;

/** Canvas apps (the Power Apps API's app names) of the demo tenant. */
export const CANVAS_APPS = {
  /** PROD, owner Lee Gu: SharePoint (OAuth), so each user opens it with their own connection. */
  vendorPortal: { id: 'a9a00000-0000-4000-8000-000000000001', displayName: 'Vendor portal' },
  /** PROD, owner Megan, solution-aware: binds ABCSOL DataVerse Connection Ref (D365-App-Registration's connection). */
  accountLookup: { id: 'a9a00000-0000-4000-8000-000000000002', displayName: 'Account lookup' },
} as const;

/** Dataverse component type numbers used by the emulator's orgs (see the header about 10132). */
export const COMPONENT_TYPE = { workflow: 29, connectionReference: 10132 } as const;

export const CONNECTION_REFERENCES = {
  lunchDataverse: { logicalName: 'lunch_LUNCHDataverseConnectionRef', displayName: 'LUNCH Dataverse Connection Ref' },
  lunchWord: { logicalName: 'lunch_LUNCHWordConnectionRef', displayName: 'LUNCH Word Connection Ref' },
  lunchSharePoint: {
    logicalName: 'lunch_LUNCHSharePointConnectionRef',
    displayName: 'LUNCH SharePoint Connection Ref',
  },
  abcsolDataverse: { logicalName: 'abcsol_DataVerseConnectionRef', displayName: 'ABCSOL DataVerse Connection Ref' },
  invoiceCryptic: {
    logicalName: 'cr6a1_sharedcommondataserviceforapps_5f2c1',
    displayName: 'cr6a1_sharedcommondataserviceforapps_5f2c1',
  },
  invoiceApprovals: { logicalName: 'cr6a1_sharedapprovals_7d1e0', displayName: 'Invoice Approvals - Approvals' },
  inventoryApi: { logicalName: 'inv_ContosoInventoryAPIRef', displayName: 'Contoso Inventory API Ref' },
  vendorDataverse: { logicalName: 'vm_VMDataverseConnectionRef', displayName: 'VM Dataverse Connection Ref' },
  vendorSharePoint: { logicalName: 'vm_VMSharePointConnectionRef', displayName: 'VM SharePoint Connection Ref' },
} as const;

export const ROLES = {
  systemAdministrator: { roleid: 'a1000000-0000-4000-8000-000000000001', name: 'System Administrator' },
  basicUser: { roleid: 'a1000000-0000-4000-8000-000000000002', name: 'Basic User' },
  lunchOrderWriter: { roleid: 'a1000000-0000-4000-8000-000000000003', name: 'Lunch Order Writer (custom)' },
  environmentMaker: { roleid: 'a1000000-0000-4000-8000-000000000004', name: 'Environment Maker' },
} as const;

/** Connectors by id: display name, and whether it is a custom connector. */
export const CONNECTORS: Record<string, { displayName: string; custom?: boolean }> = {
  shared_commondataserviceforapps: { displayName: 'Microsoft Dataverse' },
  shared_sharepointonline: { displayName: 'SharePoint' },
  shared_wordonlinebusiness: { displayName: 'Word Online (Business)' },
  shared_office365: { displayName: 'Office 365 Outlook' },
  shared_sql: { displayName: 'SQL Server' },
  shared_teams: { displayName: 'Microsoft Teams' },
  shared_approvals: { displayName: 'Approvals' },
  'shared_contoso-20inventory-20api-5f7c1e3b9a2d4f60': { displayName: 'Contoso Inventory API', custom: true },
};
export const INVENTORY_CONNECTOR = 'shared_contoso-20inventory-20api-5f7c1e3b9a2d4f60';

const DAY = 86_400_000;

/** The Lunch-Order-App's certificate (key + cert PEM), made once per process: tests sign client assertions with it. */
let lunchCertificate: { key: string; cert: string } | undefined;
export function fixtureCertificate(): { key: string; cert: string } {
  // Valid 365 days, remade after 300: the app's keyCredential dates come from the fixture, not from this PEM.
  lunchCertificate ??= splitPem(
    cachedPem('fixture-lunch-order-app', 300, () => {
      const made = selfSignedCertificate('Lunch-Order-App', 365);
      return `${made.key}${made.cert}`;
    }),
  );
  return lunchCertificate;
}

function splitPem(pem: string): { key: string; cert: string } {
  const at = pem.indexOf('-----BEGIN CERTIFICATE-----');
  return { key: pem.slice(0, at), cert: pem.slice(at) };
}

export interface FixtureOptions {
  now: Date;
  /** The demo bot's own client secret (kept across resets: EmulatorInfo announces it). */
  botSecret: string;
}

export function buildFixture(options: FixtureOptions): TenantState {
  const now = options.now.getTime();
  const at = (days: number) => new Date(now + days * DAY);
  const iso = (days: number) => at(days).toISOString();

  const users: EmuUser[] = Object.entries(USERS).map(([key, u]) => ({
    id: u.id,
    displayName: u.displayName,
    userPrincipalName: u.upn,
    mail: key === 'partner' ? 'partner@fabrikam.com' : u.upn,
    accountEnabled: key !== 'lee',
    userType: key === 'partner' ? 'Guest' : 'Member',
    password: DEMO_PASSWORD,
  }));

  const groups = [
    { ...GROUPS.admins, memberIds: [USERS.alex.id, USERS.lynne.id] },
    { ...GROUPS.approvers, memberIds: [USERS.alex.id, USERS.isaiah.id] },
  ];

  const secrets = {
    d365: newSecretText(),
    dataversePrd: newSecretText(),
    coeSync: newSecretText(),
    abcsolNonProd: newSecretText(),
    almPipeline: newSecretText(),
  };
  const app = (key: DemoApp, ownerIds: string[], created: number): EmuApplication => ({
    id: APPS[key].id,
    appId: APPS[key].appId,
    displayName: APPS[key].displayName,
    servicePrincipalId: APPS[key].spId,
    ownerIds,
    passwordCredentials: [],
    keyCredentials: [],
    isTenantAdmin: key === 'bot',
    createdDateTime: iso(created),
  });
  const bot = app('bot', [USERS.alex.id], -30);
  bot.passwordCredentials.push(
    newPasswordCredential({ displayName: 'demo bot', start: at(-30), end: at(700), secret: options.botSecret }),
  );
  const d365 = app('d365', [USERS.megan.id], -400);
  d365.passwordCredentials.push(
    newPasswordCredential({ displayName: 'D365AppSecret', start: at(-355), end: at(10), secret: secrets.d365 }),
  );
  const dataversePrd = app('dataversePrd', [USERS.patti.id], -320);
  dataversePrd.passwordCredentials.push(
    newPasswordCredential({
      displayName: 'Dataverse PRD secret',
      start: at(-320),
      end: at(45),
      secret: secrets.dataversePrd,
    }),
  );
  const coeSync = app('coeSync', [USERS.alex.id], -800);
  coeSync.passwordCredentials.push(
    newPasswordCredential({ displayName: 'CoE sync', start: at(-733), end: at(-3), secret: secrets.coeSync }),
  );
  const lunchOrder = app('lunchOrder', [USERS.patti.id], -345);
  lunchOrder.keyCredentials.push(
    newKeyCredential({
      displayName: 'CN=Lunch-Order-App',
      certificatePem: fixtureCertificate().cert,
      start: at(-345),
      end: at(20),
    }),
  );
  const legacy = app('legacy', [USERS.lee.id], -1200);
  legacy.passwordCredentials.push(
    newPasswordCredential({ displayName: 'Legacy 2022', start: at(-1130), end: at(-400) }),
    newPasswordCredential({ displayName: 'Legacy current', start: at(-430), end: at(300) }),
  );
  const abcsolNonProd = app('abcsolNonProd', [USERS.alex.id], -200);
  abcsolNonProd.passwordCredentials.push(
    newPasswordCredential({
      displayName: 'ABCSOL non-prod',
      start: at(-165),
      end: at(200),
      secret: secrets.abcsolNonProd,
    }),
  );
  // Deployment pipelines import solutions into PROD as this service principal and then turn the flows on, so the
  // connections behind the references are shared with it (allowed for OAuth connections: it is a service principal).
  const almPipeline = app('almPipeline', [USERS.alex.id], -250);
  almPipeline.passwordCredentials.push(
    newPasswordCredential({ displayName: 'ALM pipeline', start: at(-165), end: at(200), secret: secrets.almPipeline }),
  );
  const applications = [bot, d365, dataversePrd, coeSync, lunchOrder, legacy, abcsolNonProd, almPipeline];

  const sp = (key: DemoApp, secret: string): ConnectionAuth => ({
    kind: 'servicePrincipal',
    clientId: APPS[key].appId,
    tenantId: TENANT_ID,
    clientSecret: secret,
  });
  const userAuth = (who: DemoUser): ConnectionAuth => ({ kind: 'user', accountName: USERS[who].upn });
  const connection = (
    env: DemoEnvironment,
    name: string,
    connector: string,
    displayName: string,
    owner: DemoUser,
    auth: ConnectionAuth,
    extra: Partial<EmuConnection> = {},
  ): EmuConnection => ({
    name,
    connector,
    connectorDisplayName: CONNECTORS[connector]?.displayName ?? connector,
    environmentId: ENVIRONMENTS[env].id,
    displayName,
    ownerId: USERS[owner].id,
    auth,
    isCustomConnector: CONNECTORS[connector]?.custom === true,
    createdTime: iso(-300),
    lastModifiedTime: iso(-20),
    ...extra,
  });
  const DV = 'shared_commondataserviceforapps';
  const C = CONNECTIONS;
  const connections: EmuConnection[] = [
    connection('prod', C.prodD365Dataverse, DV, 'Dataverse (D365-App-Registration)', 'megan', sp('d365', secrets.d365)),
    connection(
      'prod',
      C.prodLunchDataverse,
      DV,
      'Dataverse (AppUser_Dataverse_PRD)',
      'patti',
      sp('dataversePrd', secrets.dataversePrd),
    ),
    connection('prod', C.prodCoeDataverse, DV, 'Dataverse (CoE-Sync-SP)', 'alex', sp('coeSync', secrets.coeSync)),
    connection(
      'prod',
      C.prodTechWord,
      'shared_wordonlinebusiness',
      'Word Online (TechUser_Sharepoint_PRD)',
      'techUser',
      userAuth('techUser'),
    ),
    connection(
      'prod',
      C.prodTechSharePoint,
      'shared_sharepointonline',
      'SharePoint (TechUser_Sharepoint_PRD)',
      'techUser',
      userAuth('techUser'),
    ),
    connection(
      'prod',
      C.prodMeganSharePoint,
      'shared_sharepointonline',
      'SharePoint (Megan Bowen)',
      'megan',
      userAuth('megan'),
      {
        fixedError: {
          code: 'Unauthorized',
          target: 'token',
          message:
            'Failed to refresh access token for service: sharepointonline. Correlation Id=6f1d2c9a-4b7e-4a43-9d1e-2a7c5b9e0f31, UTC TimeStamp=' +
            `${iso(-2)}, Error: AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.`,
        },
      },
    ),
    connection('prod', C.prodMeganDataverse, DV, 'Dataverse (Megan Bowen)', 'megan', userAuth('megan')),
    connection('prod', C.prodLeeDataverse, DV, 'Dataverse (Lee Gu)', 'lee', userAuth('lee')),
    connection('prod', C.prodLeeSharePoint, 'shared_sharepointonline', 'SharePoint (Lee Gu)', 'lee', userAuth('lee')),
    connection('prod', C.prodInventoryApi, INVENTORY_CONNECTOR, 'Contoso Inventory API (PROD)', 'patti', {
      kind: 'apiKey',
    }),
    connection(
      'dev',
      C.devMeganOutlook,
      'shared_office365',
      'Office 365 Outlook (Megan Bowen)',
      'megan',
      userAuth('megan'),
    ),
    connection(
      'dev',
      C.devMeganSharePoint,
      'shared_sharepointonline',
      'SharePoint (Megan Bowen)',
      'megan',
      userAuth('megan'),
    ),
    // SQL Server Authentication: not OAuth, so Megan may share it with Adele (the share-with-a-person story).
    connection('dev', C.devMeganSql, 'shared_sql', 'SQL Server (Megan Bowen, inventory DB)', 'megan', {
      kind: 'sqlAuth',
      server: 'sql-inventory-dev.database.windows.net',
      database: 'Inventory',
      username: 'stockalerts',
    }),
    connection(
      'dev',
      C.devAbcsolDataverse,
      DV,
      'Dataverse (ABCSOL DEV)',
      'alex',
      sp('abcsolNonProd', secrets.abcsolNonProd),
    ),
    connection(
      'test',
      C.testAbcsolDataverse,
      DV,
      'Dataverse (ABCSOL TEST)',
      'alex',
      sp('abcsolNonProd', secrets.abcsolNonProd),
    ),
    connection(
      'test',
      C.testInventoryApi,
      INVENTORY_CONNECTOR,
      'Contoso Inventory API (TEST)',
      'patti',
      { kind: 'apiKey' },
      {
        configurationNeeded: true,
      },
    ),
    connection(
      'default',
      C.defaultAlexOutlook,
      'shared_office365',
      'Office 365 Outlook (Alex Wilber)',
      'alex',
      userAuth('alex'),
    ),
    connection(
      'default',
      C.defaultAdeleTeams,
      'shared_teams',
      'Microsoft Teams (Adele Vance)',
      'adele',
      userAuth('adele'),
    ),
  ];

  const dataverse = buildDataverse(at);
  const environments: EmuEnvironment[] = (Object.keys(ENVIRONMENTS) as DemoEnvironment[]).map((key) => ({
    name: ENVIRONMENTS[key].id,
    displayName: ENVIRONMENTS[key].displayName,
    isDefault: key === 'default',
    sku: key === 'default' ? 'Default' : key === 'prod' ? 'Production' : 'Sandbox',
    dataverse: dataverse[key],
  }));

  const flows = buildFlows(at, dataverse);
  addRuns(flows, at);
  return indexTenant({
    tenantId: TENANT_ID,
    users,
    groups,
    applications,
    environments,
    connections,
    flows,
    canvasApps: buildCanvasApps(at),
    vault: new Map(),
  });
}

/**
 * Recent runs of the Vendor Management flows: Nightly export failed 3 hours ago (it succeeded the night before),
 * Vendor onboarding succeeded yesterday. The other flows have none in the run history.
 */
function addRuns(flows: EmuFlow[], at: (days: number) => Date): void {
  const HOUR = 1 / 24;
  const run = (n: number, startDays: number, status: 'Succeeded' | 'Failed', code?: string) => ({
    name: `0858${String(n).padStart(28, '0')}CU01`,
    startTime: at(startDays).toISOString(),
    endTime: at(startDays + 0.01 * HOUR).toISOString(),
    status,
    ...(code ? { code } : {}),
  });
  for (const f of flows) {
    if (f.name === FLOWS.nightlyExport)
      f.runs = [run(2, -3 * HOUR, 'Failed', 'ActionFailed'), run(1, -27 * HOUR, 'Succeeded')];
    if (f.name === FLOWS.vendorOnboarding) f.runs = [run(3, -26 * HOUR, 'Succeeded')];
  }
}

function buildCanvasApps(at: (days: number) => Date): EmuCanvasApp[] {
  const created = at(-120).toISOString();
  const modified = at(-12).toISOString();
  const prod = ENVIRONMENTS.prod.id;
  return [
    {
      name: CANVAS_APPS.vendorPortal.id,
      environmentId: prod,
      displayName: CANVAS_APPS.vendorPortal.displayName,
      ownerId: USERS.lee.id,
      connectors: [
        { connector: 'shared_sharepointonline', connectorDisplayName: 'SharePoint' },
        { connector: 'shared_office365users', connectorDisplayName: 'Office 365 Users' },
      ],
      createdTime: created,
      lastModifiedTime: modified,
    },
    {
      name: CANVAS_APPS.accountLookup.id,
      environmentId: prod,
      displayName: CANVAS_APPS.accountLookup.displayName,
      ownerId: USERS.megan.id,
      connectors: [
        {
          connector: 'shared_commondataserviceforapps',
          connectorDisplayName: 'Microsoft Dataverse',
          connectionReferenceLogicalName: CONNECTION_REFERENCES.abcsolDataverse.logicalName,
        },
      ],
      createdTime: created,
      lastModifiedTime: modified,
    },
  ];
}

const ref = (
  connector: string,
  binding: { connectionName?: string; logicalName?: string },
  source: 'Embedded' | 'Invoker' = 'Embedded',
): EmuFlowConnectionReference => ({
  connector,
  connectorDisplayName: CONNECTORS[connector]?.displayName ?? connector,
  connectionName: binding.connectionName,
  connectionReferenceLogicalName: binding.logicalName,
  source,
});

/** Workflow ids of the solution flows (Dataverse workflowid = the Flow API's workflowEntityId). */
export const WORKFLOWS = {
  lunchOrder: 'f2000000-0000-4000-8000-000000000001',
  abcsolProd: 'f2000000-0000-4000-8000-000000000002',
  invoiceApproval: 'f2000000-0000-4000-8000-000000000003',
  abcsolDev: 'f2000000-0000-4000-8000-000000000004',
  abcsolTest: 'f2000000-0000-4000-8000-000000000005',
  inventorySync: 'f2000000-0000-4000-8000-000000000006',
  vendorOnboarding: 'f2000000-0000-4000-8000-000000000007',
  nightlyExport: 'f2000000-0000-4000-8000-000000000008',
} as const;

export const SOLUTIONS = {
  lunchOrder: { id: '50000000-0000-4000-8000-000000000001', uniqueName: 'LunchOrder', friendlyName: 'Lunch order' },
  abcsol: { id: '50000000-0000-4000-8000-000000000002', uniqueName: 'ABCSOL', friendlyName: 'ABCSOL' },
  invoiceApprovals: {
    id: '50000000-0000-4000-8000-000000000003',
    uniqueName: 'InvoiceApprovals',
    friendlyName: 'Invoice Approvals',
  },
  inventorySync: {
    id: '50000000-0000-4000-8000-000000000004',
    uniqueName: 'InventorySync',
    friendlyName: 'Inventory sync',
  },
  vendorManagement: {
    id: '50000000-0000-4000-8000-000000000005',
    uniqueName: 'VendorManagement',
    friendlyName: 'Vendor Management',
  },
} as const;

const PUBLISHERS = {
  lunch: {
    publisherid: '60000000-0000-4000-8000-000000000001',
    uniquename: 'lunchorders',
    friendlyname: 'Lunch orders',
    customizationprefix: 'lunch',
  },
  abcsol: {
    publisherid: '60000000-0000-4000-8000-000000000002',
    uniquename: 'abcsol',
    friendlyname: 'ABC Solutions',
    customizationprefix: 'abcsol',
  },
  cds: {
    publisherid: '60000000-0000-4000-8000-000000000003',
    uniquename: 'CDSDefaultPublisher',
    friendlyname: 'CDS Default Publisher',
    customizationprefix: 'cr6a1',
  },
  inventory: {
    publisherid: '60000000-0000-4000-8000-000000000004',
    uniquename: 'contosoinventory',
    friendlyname: 'Contoso Inventory',
    customizationprefix: 'inv',
  },
  vendor: {
    publisherid: '60000000-0000-4000-8000-000000000005',
    uniquename: 'vendormanagement',
    friendlyname: 'Vendor Management',
    customizationprefix: 'vm',
  },
};

function emptyOrg(orgName: string): DataverseOrg {
  return {
    orgName,
    publishers: [],
    solutions: [],
    solutionComponents: [],
    connectionReferences: [],
    systemUsers: [],
    roles: Object.values(ROLES).map((r) => ({ ...r })),
    workflows: [],
  };
}

/** A deterministic GUID from a namespace digit and a number (Dataverse rows of the fixture). */
function rowId(prefix: string, n: number): string {
  return `${prefix}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function buildDataverse(at: (days: number) => Date): Record<DemoEnvironment, DataverseOrg> {
  const orgs = {
    default: emptyOrg(ENVIRONMENTS.default.orgName),
    dev: emptyOrg(ENVIRONMENTS.dev.orgName),
    test: emptyOrg(ENVIRONMENTS.test.orgName),
    prod: emptyOrg(ENVIRONMENTS.prod.orgName),
  };
  let n = 0;
  const created = at(-200).toISOString();
  const modified = at(-10).toISOString();

  for (const [key, org] of Object.entries(orgs) as [DemoEnvironment, DataverseOrg][]) {
    // People with Dataverse access, then application users.
    for (const who of ['alex', 'megan', 'adele', 'patti', 'lynne', 'lee'] as DemoUser[]) {
      org.systemUsers.push({
        systemuserid: rowId('9', ++n),
        fullname: USERS[who].displayName,
        domainname: USERS[who].upn,
        applicationid: null,
        azureactivedirectoryobjectid: USERS[who].id,
        isdisabled: who === 'lee',
        accessmode: 0,
        roleIds: [who === 'alex' || who === 'lynne' ? ROLES.systemAdministrator.roleid : ROLES.environmentMaker.roleid],
      });
    }
    const appUser = (app: DemoApp, roleIds: string[]) =>
      org.systemUsers.push({
        systemuserid: rowId('9', ++n),
        fullname: `# ${APPS[app].displayName}`,
        domainname: `${APPS[app].appId}@example.com`,
        applicationid: APPS[app].appId,
        azureactivedirectoryobjectid: APPS[app].spId,
        isdisabled: false,
        accessmode: 4,
        roleIds,
      });
    appUser('bot', [ROLES.systemAdministrator.roleid]);
    if (key === 'prod') {
      appUser('d365', [ROLES.systemAdministrator.roleid]);
      appUser('dataversePrd', [ROLES.lunchOrderWriter.roleid, ROLES.basicUser.roleid]);
      appUser('coeSync', [ROLES.basicUser.roleid]);
      appUser('almPipeline', [ROLES.environmentMaker.roleid]);
    }
    if (key === 'dev' || key === 'test') appUser('abcsolNonProd', [ROLES.basicUser.roleid]);
  }

  const megan = (org: DataverseOrg) => org.systemUsers.find((u) => u.azureactivedirectoryobjectid === USERS.megan.id)!;
  const patti = (org: DataverseOrg) => org.systemUsers.find((u) => u.azureactivedirectoryobjectid === USERS.patti.id)!;

  const addSolution = (
    org: DataverseOrg,
    s: (typeof SOLUTIONS)[keyof typeof SOLUTIONS],
    publisher: (typeof PUBLISHERS)[keyof typeof PUBLISHERS],
    managed: boolean,
  ) => {
    if (!org.publishers.some((p) => p.publisherid === publisher.publisherid)) org.publishers.push({ ...publisher });
    org.solutions.push({
      solutionid: s.id,
      uniquename: s.uniqueName,
      friendlyname: s.friendlyName,
      ismanaged: managed,
      publisherid: publisher.publisherid,
      version: '1.0.0.0',
    });
  };
  const addComponent = (org: DataverseOrg, solutionid: string, componenttype: number, objectid: string) =>
    org.solutionComponents.push({ solutioncomponentid: rowId('7', ++n), solutionid, componenttype, objectid });
  const addReference = (
    org: DataverseOrg,
    solutionid: string | undefined,
    r: { logicalName: string; displayName: string },
    connector: string,
    connectionid: string | null,
    ownerid: string,
    managed: boolean,
  ): DvConnectionReference => {
    const row: DvConnectionReference = {
      connectionreferenceid: rowId('8', ++n),
      connectionreferencelogicalname: r.logicalName,
      connectionreferencedisplayname: r.displayName,
      connectionid,
      connectorid: `/providers/Microsoft.PowerApps/apis/${connector}`,
      customconnectorid: CONNECTORS[connector]?.custom ? rowId('6', 0xc0) : null,
      description: null,
      ismanaged: managed,
      ownerid,
      createdon: created,
      modifiedon: modified,
    };
    org.connectionReferences.push(row);
    if (solutionid) addComponent(org, solutionid, COMPONENT_TYPE.connectionReference, row.connectionreferenceid);
    return row;
  };
  const addWorkflow = (
    org: DataverseOrg,
    solutionid: string,
    workflowid: string,
    name: string,
    statecode: number,
    ownerid: string,
    refs: Record<string, { logicalName: string; connector: string }>,
    managed: boolean,
  ): DvWorkflow => {
    const connectionReferences: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(refs)) {
      connectionReferences[k] = {
        runtimeSource: 'embedded',
        connection: { connectionReferenceLogicalName: v.logicalName },
        api: { name: v.connector },
      };
    }
    const row: DvWorkflow = {
      workflowid,
      name,
      category: 5,
      statecode,
      ownerid,
      clientdata: JSON.stringify({
        properties: { connectionReferences, definition: { triggers: {}, actions: {} } },
        schemaVersion: '1.0.0.0',
      }),
      ismanaged: managed,
      createdon: created,
      modifiedon: modified,
    };
    org.workflows.push(row);
    addComponent(org, solutionid, COMPONENT_TYPE.workflow, workflowid);
    return row;
  };

  const R = CONNECTION_REFERENCES;
  const DV = 'shared_commondataserviceforapps';
  // Lunch order (PROD, maker Patti).
  const prod = orgs.prod;
  addSolution(prod, SOLUTIONS.lunchOrder, PUBLISHERS.lunch, true);
  const pattiProd = patti(prod).systemuserid;
  addReference(prod, SOLUTIONS.lunchOrder.id, R.lunchDataverse, DV, CONNECTIONS.prodLunchDataverse, pattiProd, true);
  addReference(
    prod,
    SOLUTIONS.lunchOrder.id,
    R.lunchWord,
    'shared_wordonlinebusiness',
    CONNECTIONS.prodTechWord,
    pattiProd,
    true,
  );
  addReference(
    prod,
    SOLUTIONS.lunchOrder.id,
    R.lunchSharePoint,
    'shared_sharepointonline',
    CONNECTIONS.prodTechSharePoint,
    pattiProd,
    true,
  );
  addWorkflow(
    prod,
    SOLUTIONS.lunchOrder.id,
    WORKFLOWS.lunchOrder,
    FLOW_NAMES.lunchOrder,
    1,
    pattiProd,
    {
      shared_commondataserviceforapps: { logicalName: R.lunchDataverse.logicalName, connector: DV },
      shared_wordonlinebusiness: { logicalName: R.lunchWord.logicalName, connector: 'shared_wordonlinebusiness' },
      shared_sharepointonline: { logicalName: R.lunchSharePoint.logicalName, connector: 'shared_sharepointonline' },
    },
    true,
  );

  // ABCSOL in DEV, TEST and PROD: each environment's reference bound to its own service-principal connection.
  const abcsol: [DemoEnvironment, string, string][] = [
    ['dev', CONNECTIONS.devAbcsolDataverse, WORKFLOWS.abcsolDev],
    ['test', CONNECTIONS.testAbcsolDataverse, WORKFLOWS.abcsolTest],
    ['prod', CONNECTIONS.prodD365Dataverse, WORKFLOWS.abcsolProd],
  ];
  for (const [env, connectionName, workflowId] of abcsol) {
    const org = orgs[env];
    const owner = megan(org).systemuserid;
    addSolution(org, SOLUTIONS.abcsol, PUBLISHERS.abcsol, env !== 'dev');
    addReference(org, SOLUTIONS.abcsol.id, R.abcsolDataverse, DV, connectionName, owner, env !== 'dev');
    addWorkflow(
      org,
      SOLUTIONS.abcsol.id,
      workflowId,
      'ABCSOL - sync accounts',
      1,
      owner,
      {
        shared_commondataserviceforapps: { logicalName: R.abcsolDataverse.logicalName, connector: DV },
      },
      env !== 'dev',
    );
  }

  // Invoice Approvals (PROD): reuses ABCSOL's reference, a cryptic default name, and an unbound reference.
  const meganProd = megan(prod).systemuserid;
  addSolution(prod, SOLUTIONS.invoiceApprovals, PUBLISHERS.cds, false);
  addReference(
    prod,
    SOLUTIONS.invoiceApprovals.id,
    R.invoiceCryptic,
    DV,
    CONNECTIONS.prodMeganDataverse,
    meganProd,
    false,
  );
  addReference(prod, SOLUTIONS.invoiceApprovals.id, R.invoiceApprovals, 'shared_approvals', null, meganProd, false);
  addWorkflow(
    prod,
    SOLUTIONS.invoiceApprovals.id,
    WORKFLOWS.invoiceApproval,
    FLOW_NAMES.invoiceApproval,
    0,
    meganProd,
    {
      shared_commondataserviceforapps: { logicalName: R.abcsolDataverse.logicalName, connector: DV },
      shared_commondataserviceforapps_1: { logicalName: R.invoiceCryptic.logicalName, connector: DV },
      shared_approvals: { logicalName: R.invoiceApprovals.logicalName, connector: 'shared_approvals' },
    },
    false,
  );

  // Vendor Management (PROD, maker Lee Gu, now disabled): both references bound to Lee's personal connections.
  const leeProd = prod.systemUsers.find((u) => u.azureactivedirectoryobjectid === USERS.lee.id)!.systemuserid;
  addSolution(prod, SOLUTIONS.vendorManagement, PUBLISHERS.vendor, true);
  addReference(prod, SOLUTIONS.vendorManagement.id, R.vendorDataverse, DV, CONNECTIONS.prodLeeDataverse, leeProd, true);
  addReference(
    prod,
    SOLUTIONS.vendorManagement.id,
    R.vendorSharePoint,
    'shared_sharepointonline',
    CONNECTIONS.prodLeeSharePoint,
    leeProd,
    true,
  );
  const vendorRefs = {
    shared_commondataserviceforapps: { logicalName: R.vendorDataverse.logicalName, connector: DV },
    shared_sharepointonline: { logicalName: R.vendorSharePoint.logicalName, connector: 'shared_sharepointonline' },
  };
  addWorkflow(
    prod,
    SOLUTIONS.vendorManagement.id,
    WORKFLOWS.vendorOnboarding,
    FLOW_NAMES.vendorOnboarding,
    1,
    leeProd,
    vendorRefs,
    true,
  );
  addWorkflow(
    prod,
    SOLUTIONS.vendorManagement.id,
    WORKFLOWS.nightlyExport,
    FLOW_NAMES.nightlyExport,
    1,
    leeProd,
    { shared_commondataserviceforapps: vendorRefs.shared_commondataserviceforapps },
    true,
  );

  // Inventory sync (TEST, copied from PROD): its reference still names PROD's connection, absent from TEST.
  const test = orgs.test;
  const pattiTest = patti(test).systemuserid;
  addSolution(test, SOLUTIONS.inventorySync, PUBLISHERS.inventory, true);
  addReference(
    test,
    SOLUTIONS.inventorySync.id,
    R.inventoryApi,
    INVENTORY_CONNECTOR,
    CONNECTIONS.prodInventoryApi,
    pattiTest,
    true,
  );
  addWorkflow(
    test,
    SOLUTIONS.inventorySync.id,
    WORKFLOWS.inventorySync,
    FLOW_NAMES.inventorySync,
    0,
    pattiTest,
    {
      [INVENTORY_CONNECTOR]: { logicalName: R.inventoryApi.logicalName, connector: INVENTORY_CONNECTOR },
    },
    true,
  );
  return orgs;
}

function buildFlows(at: (days: number) => Date, orgs: Record<DemoEnvironment, DataverseOrg>): EmuFlow[] {
  const created = at(-150).toISOString();
  const modified = at(-5).toISOString();
  const R = CONNECTION_REFERENCES;
  const DV = 'shared_commondataserviceforapps';
  /** A solution flow's reference resolves to the connection its Dataverse reference is bound to. */
  const viaRef = (env: DemoEnvironment, logicalName: string) => ({
    logicalName,
    connectionName:
      orgs[env].connectionReferences.find((r) => r.connectionreferencelogicalname === logicalName)?.connectionid ??
      undefined,
  });
  const flow = (
    env: DemoEnvironment,
    name: string,
    displayName: string,
    state: EmuFlow['state'],
    creator: DemoUser,
    connectionReferences: Record<string, EmuFlowConnectionReference>,
    extra: Partial<EmuFlow> = {},
  ): EmuFlow => ({
    name,
    environmentId: ENVIRONMENTS[env].id,
    displayName,
    state,
    creatorId: USERS[creator].id,
    owners: [{ principalId: USERS[creator].id, principalType: 'User', roleName: 'Owner' }],
    connectionReferences,
    createdTime: created,
    lastModifiedTime: modified,
    ...extra,
  });
  const weekly = flow('dev', FLOWS.weeklyReport, FLOW_NAMES.weeklyReport, 'Stopped', 'megan', {
    shared_office365: ref('shared_office365', { connectionName: CONNECTIONS.devMeganOutlook }),
    shared_sharepointonline: ref('shared_sharepointonline', { connectionName: CONNECTIONS.devMeganSharePoint }),
  });
  weekly.owners.push({ principalId: USERS.adele.id, principalType: 'User', roleName: 'CanEdit' });
  const stockAlerts = flow('dev', FLOWS.stockAlerts, FLOW_NAMES.stockAlerts, 'Stopped', 'megan', {
    shared_sql: ref('shared_sql', { connectionName: CONNECTIONS.devMeganSql }),
  });
  stockAlerts.owners.push({ principalId: USERS.adele.id, principalType: 'User', roleName: 'CanEdit' });
  return [
    flow(
      'prod',
      FLOWS.lunchOrder,
      FLOW_NAMES.lunchOrder,
      'Started',
      'patti',
      {
        shared_commondataserviceforapps: ref(DV, viaRef('prod', R.lunchDataverse.logicalName)),
        shared_wordonlinebusiness: ref('shared_wordonlinebusiness', viaRef('prod', R.lunchWord.logicalName)),
        shared_sharepointonline: ref('shared_sharepointonline', viaRef('prod', R.lunchSharePoint.logicalName)),
      },
      { workflowId: WORKFLOWS.lunchOrder },
    ),
    flow(
      'prod',
      FLOWS.abcsolProd,
      'ABCSOL - sync accounts',
      'Started',
      'megan',
      {
        shared_commondataserviceforapps: ref(DV, viaRef('prod', R.abcsolDataverse.logicalName)),
      },
      { workflowId: WORKFLOWS.abcsolProd },
    ),
    flow(
      'prod',
      FLOWS.invoiceApproval,
      FLOW_NAMES.invoiceApproval,
      'Stopped',
      'megan',
      {
        shared_commondataserviceforapps: ref(DV, viaRef('prod', R.abcsolDataverse.logicalName)),
        shared_commondataserviceforapps_1: ref(DV, viaRef('prod', R.invoiceCryptic.logicalName)),
        shared_approvals: ref('shared_approvals', viaRef('prod', R.invoiceApprovals.logicalName)),
      },
      { workflowId: WORKFLOWS.invoiceApproval },
    ),
    flow('prod', FLOWS.siteRequestIntake, FLOW_NAMES.siteRequestIntake, 'Started', 'megan', {
      shared_sharepointonline: ref('shared_sharepointonline', { connectionName: CONNECTIONS.prodMeganSharePoint }),
    }),
    flow(
      'prod',
      FLOWS.vendorOnboarding,
      FLOW_NAMES.vendorOnboarding,
      'Started',
      'lee',
      {
        shared_commondataserviceforapps: ref(DV, viaRef('prod', R.vendorDataverse.logicalName)),
        shared_sharepointonline: ref('shared_sharepointonline', viaRef('prod', R.vendorSharePoint.logicalName)),
      },
      { workflowId: WORKFLOWS.vendorOnboarding },
    ),
    flow(
      'prod',
      FLOWS.nightlyExport,
      FLOW_NAMES.nightlyExport,
      'Started',
      'lee',
      { shared_commondataserviceforapps: ref(DV, viaRef('prod', R.vendorDataverse.logicalName)) },
      { workflowId: WORKFLOWS.nightlyExport },
    ),
    flow('prod', FLOWS.coeInventorySync, 'CoE inventory sync', 'Started', 'alex', {
      shared_commondataserviceforapps: ref(DV, { connectionName: CONNECTIONS.prodCoeDataverse }),
    }),
    weekly,
    stockAlerts,
    flow(
      'dev',
      FLOWS.abcsolDev,
      'ABCSOL - sync accounts',
      'Started',
      'megan',
      {
        shared_commondataserviceforapps: ref(DV, viaRef('dev', R.abcsolDataverse.logicalName)),
      },
      { workflowId: WORKFLOWS.abcsolDev },
    ),
    flow(
      'test',
      FLOWS.abcsolTest,
      'ABCSOL - sync accounts',
      'Started',
      'megan',
      {
        shared_commondataserviceforapps: ref(DV, viaRef('test', R.abcsolDataverse.logicalName)),
      },
      { workflowId: WORKFLOWS.abcsolTest },
    ),
    flow(
      'test',
      FLOWS.inventorySync,
      FLOW_NAMES.inventorySync,
      'Stopped',
      'patti',
      {
        [INVENTORY_CONNECTOR]: ref(INVENTORY_CONNECTOR, viaRef('test', R.inventoryApi.logicalName)),
      },
      { workflowId: WORKFLOWS.inventorySync },
    ),
  ];
}

/** A fresh random id, for rows the APIs create at run time. */
export function newId(): string {
  return randomUUID();
}
