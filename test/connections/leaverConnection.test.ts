/**
 * A disabled creator means different things for a person's sign-in (it fails when its sign-in expires: it signs in as
 * them) and for a connection holding its own credentials, such as a SQL Server login (it does not sign in as them, but
 * Microsoft's troubleshooting guide says a connection whose creator is disabled becomes invalid, and another user with
 * access can sign it in again). Both stay findings, and neither is offered for sharing on the impact card.
 */
import { connectionsOwnedByDisabledAccounts } from '../../src/connections/findings/connectionOwnerDisabled';
import { impactCard } from '../../src/connections/impact/impactCard';
import type { ConnectionEntry } from '../../src/connections/impact/impactReport';
import type { Connection } from '../../src/tenant/model';
import { demoLikeSnapshot } from './findings/snapshotFixture';

function leeFinding(authType: Connection['authType']) {
  const snapshot = demoLikeSnapshot();
  snapshot.connections = snapshot.connections.map((c) => (c.name === 'c-lee' ? { ...c, authType } : c));
  return connectionsOwnedByDisabledAccounts(snapshot).find((f) => f.subject === 'Lee SQL');
}

test("a person's sign-in of a disabled owner will fail", () => {
  expect(leeFinding('user')?.why).toMatch(/will fail when its sign-in expires/);
});

test('a SQL login connection of a disabled owner: invalid, as the troubleshooting guide says, and re-signable by another user', () => {
  const finding = leeFinding('other');
  expect(finding?.why).not.toMatch(/will fail when its sign-in expires/);
  expect(finding?.why).toMatch(/not as Lee Gu/);
  expect(finding?.why).not.toMatch(/may not stop it by itself/);
  expect(finding?.why).toMatch(/becomes invalid for everyone it is shared with/);
  expect(finding?.why).toMatch(/Another user with access to it can sign it in again, which makes them its owner/);
  expect(finding?.why).toMatch(/Lee Gu can no longer fix, share or delete it/);
  expect(finding?.action).toMatchObject({ title: 'Hand over' });
});

function impactText(authType: Connection['authType']): string {
  const connection: Connection = {
    name: 'c-lee',
    connector: 'shared_sql',
    displayName: 'Lee SQL',
    environmentId: 'prod',
    status: 'Connected',
    createdBy: { id: 'lee', displayName: 'Lee Gu', type: 'User' },
    authType,
    isCustomConnector: false,
  };
  const entry: ConnectionEntry = {
    connection,
    environment: { id: 'prod', displayName: 'Contoso PROD', isDefault: false },
    production: true,
    failing: false,
    references: [],
    flows: [],
    othersFlows: 0,
    apps: [],
    othersApps: 0,
    appsKnown: true,
  };
  const now = new Date('2026-06-01T12:00:00Z');
  return JSON.stringify(
    impactCard({
      subject: { kind: 'connection', query: 'Lee SQL', name: 'Lee SQL' },
      query: { subject: 'Lee SQL', subjectType: 'connection' },
      report: { entries: [entry], partialEnvironments: [] },
      admin: true,
      callerId: 'alex',
      now,
      readAt: now,
      fromSnapshot: true,
      mayRotate: false,
      operationAvailable: () => false,
      appsRead: true,
      disabledCreators: new Set(['lee']),
    }),
  );
}

test('impact card: a disabled creator’s OAuth connection will fail; one with its own credentials becomes invalid', () => {
  expect(impactText('user')).toMatch(/Signs in as a disabled account: it will fail/);
  const own = impactText('other');
  expect(own).not.toMatch(/will fail when its sign-in expires/);
  expect(own).toMatch(/Created by a disabled account\. It signs in with the credentials stored in it/);
  expect(own).toMatch(/becomes invalid for everyone it is shared with/);
  // A leaver's connection is replaced, not shared, either way.
  expect(own).not.toMatch(/Share with/);
});
