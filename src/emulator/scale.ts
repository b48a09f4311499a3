/**
 * Scale mode: a deterministic synthetic tenant (seeded PRNG: the same seed, size and "now" give the same tenant)
 * added to the named fixture. SIZE connections spread over ceil(SIZE / 500) environments (200 for 100,000), about
 * SIZE / 5 flows, one solution with connection references and flows per environment, SIZE / 50 users (2% disabled,
 * 2% guests) and SIZE / 5 app registrations with one or two secrets (expiries from 60 days ago to two years ahead,
 * a few certificates). Statuses mix naturally: service-principal connections (15%) follow their app's secrets
 * (some stored secrets are stale), 4% of user connections failed a token refresh, 2% need configuration.
 * Rows are compact plain objects sharing strings: 100,000 connections cost tens of MB, not hundreds.
 */
import { COMPONENT_TYPE, CONNECTORS, APPS, TENANT_ID } from './fixture';
import {
  indexTenant,
  type DataverseOrg,
  type EmuApplication,
  type EmuCanvasApp,
  type EmuConnection,
  type EmuEnvironment,
  type EmuFlow,
  type EmuUser,
  type TenantState,
} from './tenantState';

const DAY = 86_400_000;
const CONNECTIONS_PER_ENVIRONMENT = 500;
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-';
const STANDARD_CONNECTORS = [
  'shared_office365',
  'shared_sharepointonline',
  'shared_commondataserviceforapps',
  'shared_teams',
  'shared_sql',
  'shared_wordonlinebusiness',
  'shared_approvals',
];

/** mulberry32: small, fast, good enough for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function scaleTenant(fixture: TenantState, scale: { seed: number; size: number }, now: Date): TenantState {
  const rand = prng(scale.seed);
  const int = (n: number) => Math.floor(rand() * n);
  const hex8 = () =>
    Math.floor(rand() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  const guid = () => {
    const a = hex8() + hex8() + hex8() + hex8();
    return `${a.slice(0, 8)}-${a.slice(8, 12)}-4${a.slice(13, 16)}-${'89ab'[int(4)]}${a.slice(17, 20)}-${a.slice(20, 32)}`;
  };
  const secret = () => {
    let s = '';
    for (let i = 0; i < 40; i++) s += SECRET_ALPHABET[int(SECRET_ALPHABET.length)];
    return s;
  };
  const t = now.getTime();
  const iso = (days: number) => new Date(t + Math.round(days * DAY)).toISOString();
  const size = Math.max(0, Math.floor(scale.size));

  const users: EmuUser[] = [];
  for (let i = 1; i <= Math.max(10, Math.ceil(size / 50)); i++) {
    const guest = rand() < 0.02;
    users.push({
      id: guid(),
      displayName: `Synthetic User ${i}`,
      userPrincipalName: guest ? `user${i}_partner.example#EXT#@example.com` : `user${i}@example.com`,
      mail: `user${i}@example.com`,
      accountEnabled: rand() >= 0.02,
      userType: guest ? 'Guest' : 'Member',
      password: 'demo',
    });
  }

  const applications: EmuApplication[] = [];
  for (let i = 1; i <= Math.ceil(size / 5); i++) {
    const credentials = 1 + int(2);
    const app: EmuApplication = {
      id: guid(),
      appId: guid(),
      servicePrincipalId: guid(),
      displayName: `Synthetic App ${i}`,
      ownerIds: [users[int(users.length)].id],
      passwordCredentials: [],
      keyCredentials: [],
      isTenantAdmin: false,
      createdDateTime: iso(-800),
    };
    for (let k = 0; k < credentials; k++) {
      const value = secret();
      const end = -60 + int(790);
      app.passwordCredentials.push({
        keyId: guid(),
        displayName: `secret ${k + 1}`,
        startDateTime: iso(end - 365),
        endDateTime: iso(end),
        hint: value.slice(0, 3),
        secret: value,
        usableFromMs: 0,
      });
    }
    if (rand() < 0.05) {
      const thumb = hex8() + hex8() + hex8() + hex8() + hex8();
      app.keyCredentials.push({
        keyId: guid(),
        displayName: `CN=Synthetic App ${i}`,
        startDateTime: iso(-300),
        endDateTime: iso(-30 + int(400)),
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
        certificatePem: '',
        x5t: Buffer.from(thumb, 'hex').toString('base64url'),
        x5tS256: '',
      });
    }
    applications.push(app);
  }

  const environments: EmuEnvironment[] = [];
  const envCount = size === 0 ? 0 : Math.ceil(size / CONNECTIONS_PER_ENVIRONMENT);
  for (let e = 1; e <= envCount; e++) {
    environments.push({
      name: guid(),
      displayName: `Synthetic ${String(e).padStart(3, '0')}`,
      isDefault: false,
      sku: rand() < 0.3 ? 'Production' : 'Sandbox',
      dataverse: emptyOrg(`synthetic${e}`),
    });
  }

  const connections: EmuConnection[] = [];
  const created = iso(-200);
  const modified = iso(-10);
  for (let i = 0; i < size; i++) {
    const env = environments[i % envCount];
    const owner = users[int(users.length)];
    const roll = rand();
    let c: EmuConnection;
    if (roll < 0.15 && applications.length) {
      const app = applications[int(applications.length)];
      const current = app.passwordCredentials[app.passwordCredentials.length - 1];
      c = base(env, 'shared_commondataserviceforapps', `Dataverse (${app.displayName})`, owner, {
        kind: 'servicePrincipal',
        clientId: app.appId,
        tenantId: TENANT_ID,
        clientSecret: rand() < 0.85 ? current.secret : secret(),
      });
    } else if (roll < 0.2) {
      const connector = rand() < 0.5 ? 'shared_sql' : 'shared_contoso-20inventory-20api-5f7c1e3b9a2d4f60';
      c = base(env, connector, `${CONNECTORS[connector]?.displayName ?? connector} ${i}`, owner, { kind: 'apiKey' });
      c.isCustomConnector = CONNECTORS[connector]?.custom === true;
    } else {
      const connector = STANDARD_CONNECTORS[int(STANDARD_CONNECTORS.length)];
      c = base(env, connector, `${CONNECTORS[connector].displayName} (${owner.displayName})`, owner, {
        kind: 'user',
        accountName: owner.userPrincipalName,
      });
      if (rand() < 0.04) {
        c.fixedError = {
          code: 'Unauthorized',
          target: 'token',
          message: `Failed to refresh access token for service: ${connector.replace('shared_', '')}. Error: AADSTS50173: The provided grant has expired due to it being revoked.`,
        };
      }
    }
    if (rand() < 0.02) c.configurationNeeded = true;
    connections.push(c);
  }

  function base(
    env: EmuEnvironment,
    connector: string,
    displayName: string,
    owner: EmuUser,
    auth: EmuConnection['auth'],
  ): EmuConnection {
    return {
      name: hex8() + hex8() + hex8() + hex8(),
      connector,
      connectorDisplayName: CONNECTORS[connector]?.displayName ?? connector,
      environmentId: env.name,
      displayName,
      ownerId: owner.id,
      auth,
      createdTime: created,
      lastModifiedTime: modified,
    };
  }

  const flows: EmuFlow[] = [];
  const byEnv = new Map<string, EmuConnection[]>();
  for (const c of connections) {
    let list = byEnv.get(c.environmentId);
    if (!list) byEnv.set(c.environmentId, (list = []));
    list.push(c);
  }
  for (let i = 0; i < Math.floor(size / 5); i++) {
    const env = environments[i % envCount];
    const pool = byEnv.get(env.name) ?? [];
    if (!pool.length) continue;
    const first = pool[int(pool.length)];
    const refs: EmuFlow['connectionReferences'] = {
      [first.connector]: {
        connector: first.connector,
        connectorDisplayName: first.connectorDisplayName,
        connectionName: first.name,
        source: 'Embedded',
      },
    };
    if (rand() < 0.5) {
      const second = pool[int(pool.length)];
      if (second.connector !== first.connector) {
        refs[second.connector] = {
          connector: second.connector,
          connectorDisplayName: second.connectorDisplayName,
          connectionName: second.name,
          source: 'Embedded',
        };
      }
    }
    flows.push({
      name: guid(),
      environmentId: env.name,
      displayName: `Synthetic flow ${i + 1}`,
      state: rand() < 0.8 ? 'Started' : 'Stopped',
      creatorId: first.ownerId,
      owners: [{ principalId: first.ownerId, principalType: 'User', roleName: 'Owner' }],
      connectionReferences: refs,
      createdTime: created,
      lastModifiedTime: modified,
    });
  }

  environments.forEach((env, e) => fillOrg(env, e + 1, byEnv.get(env.name) ?? [], guid, created, modified));
  const canvasApps = syntheticApps(environments, byEnv, Math.floor(size / 50), created, modified);

  return indexTenant({
    ...fixture,
    users: [...fixture.users, ...users],
    applications: [...fixture.applications, ...applications],
    environments: [...fixture.environments, ...environments],
    connections: [...fixture.connections, ...connections],
    flows: [...fixture.flows, ...flows],
    canvasApps: [...(fixture.canvasApps ?? []), ...canvasApps],
  });
}

/**
 * A few canvas apps (one per 50 connections), each owned by the maker of one connection and using its connector.
 * Derived from positions, not from the random stream, so the rest of the synthetic tenant stays as it was.
 */
function syntheticApps(
  environments: EmuEnvironment[],
  byEnv: Map<string, EmuConnection[]>,
  count: number,
  created: string,
  modified: string,
): EmuCanvasApp[] {
  const apps: EmuCanvasApp[] = [];
  for (let i = 0; i < count; i++) {
    const env = environments[i % environments.length];
    const pool = byEnv.get(env.name) ?? [];
    if (!pool.length) continue;
    const c = pool[(i * 7919) % pool.length];
    apps.push({
      name: `a9b00000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      environmentId: env.name,
      displayName: `Synthetic app ${i + 1}`,
      ownerId: c.ownerId,
      connectors: [{ connector: c.connector, connectorDisplayName: c.connectorDisplayName }],
      createdTime: created,
      lastModifiedTime: modified,
    });
  }
  return apps;
}

function emptyOrg(orgName: string): DataverseOrg {
  return {
    orgName,
    publishers: [],
    solutions: [],
    solutionComponents: [],
    connectionReferences: [],
    systemUsers: [],
    roles: [],
    workflows: [],
  };
}

/** One solution per environment with up to five connection references and two flows using them. */
function fillOrg(
  env: EmuEnvironment,
  n: number,
  connections: EmuConnection[],
  guid: () => string,
  created: string,
  modified: string,
): void {
  const org = env.dataverse;
  const adminRole = { roleid: guid(), name: 'System Administrator' };
  org.roles.push(adminRole);
  org.systemUsers.push({
    systemuserid: guid(),
    fullname: `# ${APPS.bot.displayName}`,
    domainname: `${APPS.bot.appId}@example.com`,
    applicationid: APPS.bot.appId,
    azureactivedirectoryobjectid: APPS.bot.spId,
    isdisabled: false,
    accessmode: 4,
    roleIds: [adminRole.roleid],
  });
  const prefix = `syn${n}`;
  const publisherid = guid();
  org.publishers.push({
    publisherid,
    uniquename: `${prefix}publisher`,
    friendlyname: `Synthetic publisher ${n}`,
    customizationprefix: prefix,
  });
  const solutionid = guid();
  org.solutions.push({
    solutionid,
    uniquename: `Synthetic${n}`,
    friendlyname: `Synthetic solution ${n}`,
    ismanaged: false,
    publisherid,
    version: '1.0.0.0',
  });
  const refs = connections.slice(0, 5).map((c, i) => ({
    connectionreferenceid: guid(),
    connectionreferencelogicalname: `${prefix}_${c.connector}_${i}`,
    connectionreferencedisplayname: `${c.connectorDisplayName} reference ${i + 1}`,
    connectionid: c.name,
    connectorid: `/providers/Microsoft.PowerApps/apis/${c.connector}`,
    customconnectorid: null,
    description: null,
    ismanaged: false,
    ownerid: org.systemUsers[0].systemuserid,
    createdon: created,
    modifiedon: modified,
  }));
  for (const r of refs) {
    org.connectionReferences.push(r);
    org.solutionComponents.push({
      solutioncomponentid: guid(),
      solutionid,
      componenttype: COMPONENT_TYPE.connectionReference,
      objectid: r.connectionreferenceid,
    });
  }
  for (let w = 0; w < Math.min(2, refs.length); w++) {
    const workflowid = guid();
    const used = refs.slice(w, w + 2);
    const connectionReferences = Object.fromEntries(
      used.map((r, i) => [
        `ref_${i}`,
        { runtimeSource: 'embedded', connection: { connectionReferenceLogicalName: r.connectionreferencelogicalname } },
      ]),
    );
    org.workflows.push({
      workflowid,
      name: `Synthetic solution flow ${n}.${w + 1}`,
      category: 5,
      statecode: 1,
      ownerid: org.systemUsers[0].systemuserid,
      clientdata: JSON.stringify({ properties: { connectionReferences } }),
      ismanaged: false,
      createdon: created,
      modifiedon: modified,
    });
    org.solutionComponents.push({
      solutioncomponentid: guid(),
      solutionid,
      componenttype: COMPONENT_TYPE.workflow,
      objectid: workflowid,
    });
  }
}
