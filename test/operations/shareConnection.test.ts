/**
 * Sharing and revoking on the demo tenant: Megan's SQL Server (SQL login) connection in DEV (used by the Stock
 * alerts flow) shared with Adele, verified by reading the permissions back, idempotent, never downgrading, audited;
 * her OAuth Outlook connection is refused for a person before anything is sent.
 */
import { revokeShare, shareConnection, ShareRefusedError } from '../../src/operations/shareConnection';
import type { Connection } from '../../src/tenant/model';
import { operationSuite } from '../support/operationHarness';
import { USERS } from '../../src/emulator/fixture';

const MEGAN = USERS.megan.id;
const ADELE = USERS.adele.id;

const suite = operationSuite({ openBeforeEach: false });

async function megansConnectionInDev(connector: string): Promise<Connection> {
  const { connections } = suite.oc.ctx.tenant;
  const dev = (await connections.listEnvironments()).find((e) => e.displayName === 'Contoso DEV');
  if (!dev) throw new Error('no Contoso DEV');
  for await (const c of connections.listConnections(dev.id)) {
    if (c.connector === connector && c.createdBy.id === MEGAN) return c;
  }
  throw new Error(`no ${connector} connection of Megan's in DEV`);
}
const megansOutlookInDev = () => megansConnectionInDev('shared_sql');

test('refuses to share an OAuth connection with a person, audited, and sends nothing', async () => {
  await suite.open();
  const outlook = await megansConnectionInDev('shared_office365');
  const error = await shareConnection(suite.oc.ctx, { ...target(outlook), role: 'CanView' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ShareRefusedError);
  expect((error as Error).message).toMatch(/OAuth connection: it can be shared only with a service principal/);
  expect(await roleOfAdele(outlook)).toBeUndefined();
  const [entry] = (await suite.oc.audit()).filter((e) => e.action === 'connection.share');
  expect(entry).toMatchObject({ outcome: 'refused', details: { reason: 'oauthWithPerson' } });
});

const target = (c: Connection, principalId: string = ADELE) => ({
  environmentId: c.environmentId,
  connector: c.connector,
  connectionName: c.name,
  principalId,
  principalType: 'User' as const,
  actor: MEGAN,
  correlationId: 'approval-x',
});

async function roleOfAdele(c: Connection): Promise<string | undefined> {
  const permissions = await suite.oc.ctx.tenant.connections.listPermissions(c.environmentId, c.connector, c.name);
  return permissions.find((p) => p.principal.id === ADELE)?.roleName;
}

test('shares "Can use" with Adele, verified by reading it back, and audits it', async () => {
  await suite.open();
  const outlook = await megansOutlookInDev();
  expect(await roleOfAdele(outlook)).toBeUndefined();

  expect(await shareConnection(suite.oc.ctx, { ...target(outlook), role: 'CanView' })).toEqual({ verified: true });
  expect(await roleOfAdele(outlook)).toBe('CanView');
  const [entry] = (await suite.oc.audit()).filter((e) => e.action === 'connection.share');
  expect(entry).toMatchObject({
    actor: MEGAN,
    subject: outlook.displayName,
    outcome: 'success',
    correlationId: 'approval-x',
    details: { principalId: ADELE, role: 'CanView', verified: true },
  });
});

test('sharing twice changes nothing, and "Can use" never downgrades an editor', async () => {
  await suite.open();
  const outlook = await megansOutlookInDev();
  await shareConnection(suite.oc.ctx, { ...target(outlook), role: 'CanEdit' });
  expect(await shareConnection(suite.oc.ctx, { ...target(outlook), role: 'CanEdit' })).toEqual({ verified: true });
  expect(await shareConnection(suite.oc.ctx, { ...target(outlook), role: 'CanView' })).toEqual({ verified: true });
  expect(await roleOfAdele(outlook)).toBe('CanEdit');
  const shares = (await suite.oc.audit()).filter((e) => e.action === 'connection.share');
  expect(shares.map((e) => e.details?.alreadyHeld ?? null)).toEqual([null, 'CanEdit', 'CanEdit']);
});

test('revoking removes the share, revoking again is fine, and the owner cannot be revoked', async () => {
  await suite.open();
  const outlook = await megansOutlookInDev();
  await shareConnection(suite.oc.ctx, { ...target(outlook), role: 'CanView' });

  expect(await revokeShare(suite.oc.ctx, target(outlook))).toEqual({ verified: true });
  expect(await roleOfAdele(outlook)).toBeUndefined();
  expect(await revokeShare(suite.oc.ctx, target(outlook))).toEqual({ verified: true });

  await expect(revokeShare(suite.oc.ctx, target(outlook, MEGAN))).rejects.toBeInstanceOf(ShareRefusedError);
  // No documented way reassigns a connection's owner: the refusal offers replacing or deleting it instead.
  const refusal = await revokeShare(suite.oc.ctx, target(outlook, MEGAN)).catch((e: Error) => e.message);
  expect(refusal).toMatch(/replace it where it is used, or delete it/);
  expect(refusal).not.toMatch(/reassign/);
  const outcomes = (await suite.oc.audit()).filter((e) => e.action === 'connection.revoke').map((e) => e.outcome);
  expect(outcomes).toEqual(['success', 'success', 'refused', 'refused']);
});
