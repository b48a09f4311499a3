/**
 * Operations against the stricter demo tenant (issue 17): a share takes the connection's name from the admin list
 * and goes on when it cannot; a revoke from a service principal sends the permission's own id; the rotation's
 * switch checks the bot's role first; a rotation that finds no connection while the app is still in use keeps the
 * old secret until an approver confirms; removing a secret that is already gone (Graph's 400) counts as removed.
 */
import { APPS, CONNECTIONS, ENVIRONMENTS, USERS } from '../../src/emulator/fixture';
import { advanceRotation, createRotation } from '../../src/operations/rotation';
import { reopenRotation } from '../../src/operations/rotation/reopenRotation';
import { revokeShare, shareConnection } from '../../src/operations/shareConnection';
import type { DirectoryPort } from '../../src/tenant/ports';
import { appNamed, operationSuite } from '../support/operationHarness';

const FAST = { verify: { timeoutMs: 5_000, initialDelayMs: 50, maxDelayMs: 400 } };
const DV = 'shared_commondataserviceforapps';

const suite = operationSuite({ openBeforeEach: false });

// Megan's SQL Server connection (SQL authentication, not OAuth): one a person may be shared.
const megansSql = {
  environmentId: ENVIRONMENTS.dev.id,
  connector: 'shared_sql',
  connectionName: CONNECTIONS.devMeganSql,
};

test('3: shares a maker’s connection the bot was never shared, naming it from the admin list', async () => {
  await suite.open();
  const shared = await shareConnection(suite.oc.ctx, {
    ...megansSql,
    principalId: USERS.adele.id,
    principalType: 'User',
    role: 'CanView',
  });
  expect(shared.verified).toBe(true);
  const entry = (await suite.oc.audit()).find((e) => e.action === 'connection.share')!;
  expect(entry.subject).toBe('SQL Server (Megan Bowen, inventory DB)');
});

test('3: a name look-up that fails never stops the share or the revoke', async () => {
  await suite.open();
  suite.emulator.control.setFaults('powerApps.listConnectorConnections:error=1:503');
  const target = { ...megansSql, principalId: USERS.adele.id, principalType: 'User' as const };
  expect((await shareConnection(suite.oc.ctx, { ...target, role: 'CanView' })).verified).toBe(true);
  expect((await revokeShare(suite.oc.ctx, target)).verified).toBe(true);
  const subjects = (await suite.oc.audit()).filter((e) => e.action.startsWith('connection.')).map((e) => e.subject);
  expect(subjects).toEqual([CONNECTIONS.devMeganSql, CONNECTIONS.devMeganSql]);
});

test('3: an OAuth connection that cannot be read first is still refused to a person, in the same words', async () => {
  await suite.open();
  suite.emulator.control.setFaults('powerApps.listConnectorConnections:error=1:503');
  const target = {
    environmentId: ENVIRONMENTS.prod.id,
    connector: 'shared_sharepointonline',
    connectionName: CONNECTIONS.prodMeganSharePoint,
    principalId: USERS.adele.id,
    principalType: 'User' as const,
  };
  await expect(shareConnection(suite.oc.ctx, { ...target, role: 'CanView' })).rejects.toThrow(
    /can be shared only with a service principal/,
  );
  const entry = (await suite.oc.audit()).find((e) => e.action === 'connection.share')!;
  expect(entry.outcome).toBe('refused');
});

test('6: revokes a service principal’s share by the permission’s own id', async () => {
  await suite.open();
  // The CoE connection (shared with the bot as Can edit, as the deployment guide asks).
  const target = {
    environmentId: ENVIRONMENTS.prod.id,
    connector: DV,
    connectionName: CONNECTIONS.prodCoeDataverse,
    principalId: APPS.d365.spId,
    principalType: 'ServicePrincipal' as const,
  };
  expect((await shareConnection(suite.oc.ctx, { ...target, role: 'CanView' })).verified).toBe(true);
  expect((await revokeShare(suite.oc.ctx, target)).verified).toBe(true);
  const after = await suite.oc.ctx.tenant.connections.listPermissions(
    target.environmentId,
    target.connector,
    target.connectionName,
  );
  expect(after.some((p) => p.principal.id === APPS.d365.spId)).toBe(false);
  // The revoke named the permission by its own id, which is not the principal's.
  const held = after.find((p) => p.principal.id === APPS.bot.spId)!;
  expect(held.id?.endsWith(`/${APPS.bot.spId}`)).toBe(false);
});

test('4: the switch checks the bot’s role first and says what it needs; both secrets are kept', async () => {
  await suite.open();
  const { tenant } = suite.oc.ctx;
  // An admin who never shared the D365 connection with the bot as Can edit.
  await tenant.connections.modifyPermissions(ENVIRONMENTS.prod.id, DV, CONNECTIONS.prodD365Dataverse, {
    delete: [APPS.bot.spId],
  });
  const app = await appNamed(tenant, 'D365-App-Registration');
  const before = app.passwordCredentials.map((c) => c.keyId);
  const created = await createRotation(suite.oc.ctx, {
    appObjectId: app.id,
    requestedBy: USERS.megan.id,
    approvalId: 'a-4',
  });
  const stopped = await advanceRotation(suite.oc.ctx, created.id, FAST);

  expect(stopped.state).toBe('needsAttention');
  const failed = stopped.connections!.find((c) => c.connectionName === CONNECTIONS.prodD365Dataverse)!;
  expect(failed.outcome).toBe('failed');
  expect(failed.error).toMatch(/Can edit/);
  expect(failed.error).toMatch(/deployment\.md/);
  const now = await tenant.directory.getApplication(app.id);
  expect(now.passwordCredentials.map((c) => c.keyId)).toEqual(expect.arrayContaining(before));
  // The PUT was never sent: the connection still signs in with the old secret.
  const connection = await tenant.connections.getConnection(ENVIRONMENTS.prod.id, DV, CONNECTIONS.prodD365Dataverse);
  expect(connection.status).toBe('Connected');
});

test('4: the switch sends the whole service-principal set and the connection comes back Connected', async () => {
  await suite.open();
  const { tenant } = suite.oc.ctx;
  const app = await appNamed(tenant, 'D365-App-Registration');
  const created = await createRotation(suite.oc.ctx, {
    appObjectId: app.id,
    requestedBy: USERS.megan.id,
    approvalId: 'a-4b',
  });
  const done = await advanceRotation(suite.oc.ctx, created.id, FAST);
  expect([done.state, done.reason]).toEqual(['done', undefined]);
  const connection = await tenant.connections.getConnection(ENVIRONMENTS.prod.id, DV, CONNECTIONS.prodD365Dataverse);
  expect(connection.status).toBe('Connected');
});

test('4: no connection found while the app is still in use: the old secret stays until an approver confirms', async () => {
  await suite.open();
  const { tenant } = suite.oc.ctx;
  // The admin list sends the parameter sets without their values: the D365 connection cannot be told apart.
  suite.emulator.control.setFaults('powerApps.listConnections:emptyParameterValues=1');
  const app = await appNamed(tenant, 'D365-App-Registration');
  const before = app.passwordCredentials.map((c) => c.keyId);
  const created = await createRotation(suite.oc.ctx, {
    appObjectId: app.id,
    requestedBy: USERS.megan.id,
    approvalId: 'a-4c',
  });
  const stopped = await advanceRotation(suite.oc.ctx, created.id, FAST);

  expect(stopped.state).toBe('needsAttention');
  expect(stopped.connections).toEqual([]);
  expect(stopped.reason).toMatch(/application user in Contoso PROD/);
  expect(stopped.reason).toMatch(/connection reference .* uses Dataverse \(D365-App-Registration\)/);
  // The saga returns its outcome; only the approvals layer tells people.
  expect(suite.oc.notifier.sent).toEqual([]);
  const kept = await tenant.directory.getApplication(app.id);
  expect(kept.passwordCredentials.map((c) => c.keyId)).toEqual(expect.arrayContaining(before));

  // An approver confirms ([Retry the switch]): still nothing to switch, so the rotation goes on and ends.
  const reopened = await reopenRotation(suite.oc.ctx, created.id, USERS.alex.id);
  expect(reopened?.noConnectionConfirmedBy).toBe(USERS.alex.id);
  const done = await advanceRotation(suite.oc.ctx, created.id, FAST);
  expect(done.state).toBe('done');
  const after = await tenant.directory.getApplication(app.id);
  expect(after.passwordCredentials.map((c) => c.keyId)).toEqual([done.newKeyId]);
});

test('7: removing an old secret that is already gone (Graph answers 400) counts as removed', async () => {
  await suite.open();
  const real = suite.oc.ctx.tenant.directory;
  // Someone else removes each old secret just before the bot does: the bot's own call then meets Graph's 400.
  const racing: DirectoryPort = Object.create(real) as DirectoryPort;
  racing.removePassword = async (objectId, keyId) => {
    await real.removePassword(objectId, keyId);
    await real.removePassword(objectId, keyId);
  };
  const ctx = { ...suite.oc.ctx, tenant: { ...suite.oc.ctx.tenant, directory: racing } };
  const app = await appNamed(suite.oc.ctx.tenant, 'D365-App-Registration');
  const created = await createRotation(ctx, { appObjectId: app.id, requestedBy: USERS.megan.id, approvalId: 'a-7' });
  const done = await advanceRotation(ctx, created.id, FAST);
  expect([done.state, done.reason]).toEqual(['done', undefined]);
  expect(done.removedOldKeyIds.length).toBeGreaterThan(0);
});
