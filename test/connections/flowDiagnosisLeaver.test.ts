/**
 * The diagnosis of a flow on a disabled person's connection: a person's sign-in cannot be signed in again, but a
 * connection with its own stored credentials (a SQL Server login) does not sign in as them: the remedy says what
 * Microsoft's troubleshooting guide says (it becomes invalid; another user with access can sign it in again). The
 * tenant is a stub of the three reads the diagnosis makes.
 */
import { diagnose } from '../../src/connections/flowDiagnosis';
import { TenantReader } from '../../src/connections/tenantReader';
import type { TenantPorts } from '../../src/tenant/ports';
import type { Connection, Environment, Flow, User } from '../../src/tenant/model';

const env: Environment = { id: 'env-dev', displayName: 'Contoso DEV', isDefault: false };
const lee: User = {
  id: 'u-lee',
  displayName: 'Lee Gu',
  userPrincipalName: 'leeg@example.com',
  accountEnabled: false,
  userType: 'Member',
};
const flow: Flow = {
  id: 'f1',
  displayName: 'Stock alerts',
  environmentId: env.id,
  state: 'Stopped',
  creatorId: 'u-megan',
  connectionReferences: [{ key: 'shared_sql', connector: 'shared_sql', connectionName: 'c-lee', source: 'Embedded' }],
};

async function remedyFor(authType: Connection['authType']): Promise<string> {
  const connection: Connection = {
    name: 'c-lee',
    connector: 'shared_sql',
    displayName: 'Lee SQL',
    environmentId: env.id,
    status: 'Connected',
    createdBy: { id: lee.id, displayName: lee.displayName, type: 'User' },
    authType,
    isCustomConnector: false,
  };
  const ports = {
    connections: {
      getConnection: async () => connection,
      // Shared with Megan, so the only problem is the disabled owner.
      listPermissions: async () => [
        { principal: { id: 'u-megan', type: 'User', displayName: 'Megan Bowen' }, role: 'CanView' },
      ],
    },
    directory: { getUser: async (id: string) => (id === lee.id ? lee : undefined) },
  } as unknown as TenantPorts;
  const diagnosis = await diagnose(new TenantReader(ports), { userId: 'u-megan', tenantId: 't1' }, flow, env, {
    callerIsOwner: true,
    now: new Date('2026-06-01T00:00:00Z'),
  });
  const problem = diagnosis.problems.find((p) => p.kind === 'ownerDisabled');
  expect(problem?.headline).toMatch(/belongs to Lee Gu, whose account is disabled/);
  return problem?.remedy ?? '';
}

test("a person's sign-in of a disabled owner cannot be signed in again", async () => {
  expect(await remedyFor('user')).toMatch(/^Nobody can sign it in again or share it\. Create a connection of your own/);
});

test('a SQL login connection of a disabled owner: invalid per the troubleshooting guide, another user can re-sign it', async () => {
  const remedy = await remedyFor('other');
  expect(remedy).not.toMatch(/Nobody can sign it in again/);
  expect(remedy).not.toMatch(/may not stop it by itself/);
  expect(remedy).toMatch(/not as Lee Gu, but Microsoft's troubleshooting guide says .* becomes invalid/);
  expect(remedy).toMatch(/Another user with access to it can sign it in again/);
  expect(remedy).toMatch(/Create a connection of your own/);
});
