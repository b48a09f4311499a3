/**
 * One connection as the subject of a request, on a tenant that is not the demo tenant (other people, apps,
 * connectors and naming habits: connections named after their account, portal-style ids), built the way
 * TenantNames builds the names: the rules are about how people name a connection, not about the demo's names.
 */
import { NameIndex, understand, type TenantName } from '../../src/understanding';
import { connectionCatalog, namesFrom, type TenantNameSources } from '../../src/understanding/tenantNames';

const PRIYA = 'a1111111-0000-4000-8000-000000000001';
const TOM = 'a1111111-0000-4000-8000-000000000002';
const BILLING_APP_ID = 'b2222222-0000-4000-8000-00000000000a';
const PROD = 'e3333333-0000-4000-8000-000000000001';
const SANDBOX = 'e3333333-0000-4000-8000-000000000002';

const sources: TenantNameSources = {
  environments: [
    { id: PROD, displayName: 'Fabrikam PROD' },
    { id: SANDBOX, displayName: 'Fabrikam Sandbox' },
  ],
  users: [
    { id: PRIYA, displayName: 'Priya Natarajan', userPrincipalName: 'priyan@fabrikam.example' },
    { id: TOM, displayName: 'Tom Becker', userPrincipalName: 'tomb@fabrikam.example' },
  ],
  apps: [{ id: 'b2222222-0000-4000-8000-000000000001', appId: BILLING_APP_ID, displayName: 'Billing-Integration-SP' }],
  perEnvironment: [
    {
      environment: { id: PROD, displayName: 'Fabrikam PROD' },
      flows: [],
      solutions: [{ id: 's1', friendlyName: 'Invoicing' }],
      connections: [
        {
          name: 'shared-office365-0a1b2c3d4e5f',
          displayName: 'priyan@fabrikam.example',
          connector: 'shared_office365',
          createdBy: { id: PRIYA },
          authType: 'user',
        },
        {
          name: '4f9d0c2a7b1e4c55a1f2b3c4d5e6f701',
          displayName: 'Billing DV',
          connector: 'shared_commondataserviceforapps',
          createdBy: { id: TOM },
          authType: 'servicePrincipal',
          servicePrincipalAppId: BILLING_APP_ID,
        },
        {
          name: 'shared-sharepointonl-77aa88bb99cc',
          displayName: 'SharePoint Tom',
          connector: 'shared_sharepointonline',
          createdBy: { id: TOM },
          authType: 'user',
        },
        {
          name: 'shared-azureblob-1234abcd5678',
          displayName: 'Blob archive',
          connector: 'shared_azureblob',
          createdBy: { id: TOM },
          authType: 'other',
        },
      ],
    },
    {
      environment: { id: SANDBOX, displayName: 'Fabrikam Sandbox' },
      flows: [],
      solutions: [],
      connections: [
        {
          name: 'shared-office365-99ee88dd77cc',
          displayName: 'Office 365 Outlook',
          connector: 'shared_office365',
          createdBy: { id: PRIYA },
          authType: 'user',
        },
      ],
    },
  ],
};

const names = new NameIndex(namesFrom(sources), { connections: connectionCatalog(sources) });
const admin = (text: string) => understand(text, { names });
const as = (me: string) => (text: string) =>
  understand(text, {
    names,
    me,
    visible: (name: TenantName) => !name.visibleTo || name.visibleTo.includes(me.toLowerCase()),
  });

test.each([
  ["what would stop working if Tom's SharePoint connection went away", 'shared-sharepointonl-77aa88bb99cc'],
  ['what uses the azureblob connection of Tom', 'shared-azureblob-1234abcd5678'],
  ['impact of the Dataverse connection for Billing-Integration-SP', '4f9d0c2a7b1e4c55a1f2b3c4d5e6f701'],
  // The connector's id cut short, as connection names in flow definitions are often written; "Billing" is a word of
  // the app's name.
  ['what breaks if I remove the shared-commondataser connection of Billing', '4f9d0c2a7b1e4c55a1f2b3c4d5e6f701'],
  ['what depends on shared-office365-0a1b2c3d4e5f', 'shared-office365-0a1b2c3d4e5f'],
  [
    'what depends on https://make.powerautomate.com/environments/x/connections/shared_azureblob/shared-azureblob-1234abcd5678/details',
    'shared-azureblob-1234abcd5678',
  ],
  ['what depends on Blob archive?', 'shared-azureblob-1234abcd5678'],
  ["what depends on Priya's Outlook connection in Sandbox", 'shared-office365-99ee88dd77cc'],
  ['which flows use the SharePoint connection Tom Becker owns', 'shared-sharepointonl-77aa88bb99cc'],
  ['what happens if I delete the Blob archive connection', 'shared-azureblob-1234abcd5678'],
  ["who uses tomb's sharepoint conn", 'shared-sharepointonl-77aa88bb99cc'],
])('%j is about that one connection', async (text, id) => {
  const understood = await admin(text);
  expect(understood).toMatchObject({ intent: 'impact', entities: { connectionId: id } });
  expect(understood.choose).toBeUndefined();
});

test('a description that fits several connections asks which, production first, and guesses none', async () => {
  const understood = await admin("what depends on Priya's Outlook connection");
  expect(understood.intent).toBe('impact');
  expect(understood.entities.connectionId).toBeUndefined();
  expect(understood.choose?.title).toBe('Which connection?');
  expect(understood.choose?.choices).toEqual([
    {
      title: 'priyan@fabrikam.example · Fabrikam PROD',
      text: 'what depends on connection shared-office365-0a1b2c3d4e5f',
    },
    {
      title: 'Office 365 Outlook · Fabrikam Sandbox',
      text: 'what depends on connection shared-office365-99ee88dd77cc',
    },
  ]);
  // The choice's words come back as that one connection.
  expect((await admin(understood.choose!.choices[1].text)).entities.connectionId).toBe('shared-office365-99ee88dd77cc');
});

test('a connection the caller may not see is not offered, and the answer is the same as for none', async () => {
  const understood = await as(TOM)("what depends on Priya's Outlook connection");
  expect(understood.choose?.title).toMatch(/^I found no connection like "Priya's Outlook connection"/);
  expect(JSON.stringify(understood)).not.toContain('shared-office365-');
  expect((await as(TOM)('what depends on my SharePoint connection')).entities.connectionId).toBe(
    'shared-sharepointonl-77aa88bb99cc',
  );
});

test('a person named by their address is the person, though a connection is named after it', async () => {
  const understood = await admin('what depends on priyan@fabrikam.example');
  expect(understood).toMatchObject({ intent: 'impact', entities: { user: 'Priya Natarajan' } });
  expect(understood.entities.connectionId).toBeUndefined();
});

test('connections of a kind, or a person alone, are not one connection', async () => {
  expect((await admin('what depends on Tom Becker')).entities.connectionId).toBeUndefined();
  const plural = await admin('which flows use SharePoint connections');
  expect(plural.entities.connectionId).toBeUndefined();
  expect(plural.choose).toBeUndefined();
});

test('a re-point to a named connection is a re-point, whatever verb moves the references', async () => {
  const understood = await admin(
    'switch the references of Invoicing to the Dataverse connection of Billing-Integration-SP',
  );
  expect(understood).toMatchObject({
    intent: 'repointReferences',
    entities: { solution: 'Invoicing', connectionId: '4f9d0c2a7b1e4c55a1f2b3c4d5e6f701' },
  });
});

test("a re-point's target named in the sentence is that connection", async () => {
  const understood = await admin("point Invoicing's references at the Dataverse connection of Billing-Integration-SP");
  expect(understood).toMatchObject({
    intent: 'repointReferences',
    entities: { solution: 'Invoicing', connectionId: '4f9d0c2a7b1e4c55a1f2b3c4d5e6f701' },
  });
});

test('a follow-up naming someone else leaves the connection picked last', async () => {
  const now = new Date('2026-12-04T10:00:00Z');
  const last = {
    intent: 'impact',
    entities: { connection: 'SharePoint Tom', connectionId: 'shared-sharepointonl-77aa88bb99cc' },
    at: now.toISOString(),
  };
  const understood = await understand('and Priya Natarajan?', { names, now, last });
  expect(understood).toMatchObject({ intent: 'impact', entities: { user: 'Priya Natarajan' } });
  expect(understood.entities.connectionId).toBeUndefined();
});
