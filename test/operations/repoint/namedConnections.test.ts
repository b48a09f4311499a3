/**
 * A re-point whose connections are named: the target named in a sentence (`connectionName`) is the one the
 * preview uses, or the preview says why it cannot be; [Re-point references] on a connection's impact card
 * (`fromConnectionName`) moves only the references bound to that connection.
 */
import { CONNECTIONS, USERS } from '../../../src/emulator/fixture';
import type { RunningEmulator } from '../../../src/emulator';
import { isDrafted, type DraftResult } from '../../../src/operations/operationKind';
import type { RepointOperation } from '../../../src/operations/repoint/repointOperation';
import { draftRepoint, type RepointQuery } from '../../../src/operations/repoint/repointPlan';
import { openContext, startTestEmulator, type OperationsContext } from '../../support/operationHarness';

let emulator: RunningEmulator;
let oc: OperationsContext;

beforeAll(async () => {
  emulator = await startTestEmulator();
  oc = await openContext(emulator);
});
afterAll(async () => {
  await oc.close();
  await emulator.close();
});

const draft = (query: Omit<RepointQuery, 'solutionName'>): Promise<DraftResult<RepointOperation>> =>
  draftRepoint(
    oc.ctx,
    { userId: USERS.lynne.id, displayName: USERS.lynne.displayName, tenantId: emulator.info.tenantId },
    { solutionName: 'Vendor Management', ...query },
  );

const moves = (result: DraftResult<RepointOperation>) =>
  isDrafted(result)
    ? result.operation.references.map((r) => `${r.displayName}: ${r.from?.displayName} → ${r.to.displayName}`)
    : result.text;

test('the named target is used, and only for the references of its connector', async () => {
  expect(moves(await draft({ connectionName: CONNECTIONS.prodD365Dataverse }))).toEqual([
    'VM Dataverse Connection Ref: Dataverse (Lee Gu) → Dataverse (D365-App-Registration)',
  ]);
});

test.each([
  [
    'a person’s connection in production',
    CONNECTIONS.prodMeganDataverse,
    /Dataverse \(Megan Bowen\) signs in as a person/,
  ],
  ['a connection in error', CONNECTIONS.prodCoeDataverse, /Dataverse \(CoE-Sync-SP\) is in Error/],
  ['a connection of another environment', CONNECTIONS.devAbcsolDataverse, /is in another environment/],
  [
    'a connection of a connector no reference uses',
    CONNECTIONS.prodTechWord,
    /Word Online \(TechUser_Sharepoint_PRD\) cannot be used by any connection reference of Vendor Management/,
  ],
])('a named target that cannot work (%s) is refused with the reason', async (_what, connectionName, reason) => {
  const result = await draft({ connectionName });
  expect(isDrafted(result)).toBe(false);
  expect(moves(result)).toMatch(reason);
});

test('from a connection: only the references bound to it move, whatever kind of connection it is', async () => {
  const fromLee = await draft({ fromConnectionName: CONNECTIONS.prodLeeDataverse });
  expect(moves(fromLee)).toEqual([expect.stringMatching(/^VM Dataverse Connection Ref: Dataverse \(Lee Gu\) → /)]);
  // Nothing of Vendor Management is bound to D365-App-Registration's connection.
  expect(moves(await draft({ fromConnectionName: CONNECTIONS.prodD365Dataverse }))).toMatch(
    /No connection reference of Vendor Management .* is bound to that connection/,
  );
});
