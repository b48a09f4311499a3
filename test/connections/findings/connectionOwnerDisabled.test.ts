/**
 * A disabled owner's connection is a finding while something depends on it (a flow, or a connection reference bound
 * to it), and stops being one once nothing does, as after a handover: but only where the flows and references were
 * read completely, so a timed-out read never hides it.
 */
import { connectionsOwnedByDisabledAccounts } from '../../../src/connections/findings/connectionOwnerDisabled';
import type { TenantSnapshot } from '../../../src/connections/tenantSnapshot';
import { demoLikeSnapshot } from './snapshotFixture';

const leeFindings = (snapshot: TenantSnapshot) =>
  connectionsOwnedByDisabledAccounts(snapshot).filter((f) => f.owner === 'Lee Gu');

/** The demo-like snapshot after Vendor onboarding moved off Lee's connection. */
function handedOver(): TenantSnapshot {
  const snapshot = demoLikeSnapshot();
  snapshot.flows = snapshot.flows.map((f) =>
    f.id === 'f-vendor'
      ? { ...f, connectionReferences: f.connectionReferences.map((r) => ({ ...r, connectionName: 'c-other' })) }
      : f,
  );
  return snapshot;
}

test("used by a flow: a finding, whose button hands the leaver's flows over", () => {
  const [finding] = leeFindings(demoLikeSnapshot());
  expect(finding).toMatchObject({ subject: 'Lee SQL', severity: 'high' });
  expect(finding.why).toMatch(/used by Vendor onboarding/);
  expect(finding.action).toEqual({ title: 'Hand over', verb: 'handover.request', data: { userId: 'u-lee' } });
});

test('nothing uses it any more: no finding', () => {
  expect(leeFindings(handedOver())).toEqual([]);
});

test('no flow but a connection reference still bound to it: still a finding', () => {
  const snapshot = handedOver();
  snapshot.references.push({
    id: 'r-lee',
    logicalName: 'vm_lee',
    displayName: 'VM SQL Ref',
    connectionName: 'c-lee',
    connectorId: '/providers/Microsoft.PowerApps/apis/shared_sql',
    isManaged: false,
    environmentId: 'env-prod',
  });
  expect(leeFindings(snapshot).map((f) => f.subject)).toEqual(['Lee SQL']);
});

test('a reference naming the connection in another case, or in another environment', () => {
  const reference = {
    id: 'r-lee',
    logicalName: 'vm_lee',
    displayName: 'VM SQL Ref',
    connectorId: '/providers/Microsoft.PowerApps/apis/shared_sql',
    isManaged: false,
  };
  // Dataverse compares connection names without case: still bound, still a finding.
  const otherCase = handedOver();
  otherCase.references.push({ ...reference, connectionName: 'C-LEE', environmentId: 'env-prod' });
  expect(leeFindings(otherCase).map((f) => f.subject)).toEqual(['Lee SQL']);
  // A reference in another environment is bound to another connection of that name: nothing uses Lee's.
  const elsewhere = handedOver();
  elsewhere.references.push({ ...reference, connectionName: 'c-lee', environmentId: 'env-dev' });
  expect(leeFindings(elsewhere)).toEqual([]);
});

test("the environment's flows or references were not read completely: still a finding", () => {
  const snapshot = handedOver();
  snapshot.usageUnknownEnvironmentIds = ['env-prod'];
  expect(leeFindings(snapshot).map((f) => f.subject)).toEqual(['Lee SQL']);
});
