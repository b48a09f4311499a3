/** The governance rules as pure functions over plain snapshot data. */
import {
  appUsersWithSystemAdministrator,
  brokenReferences,
  connectionsInError,
  connectionsOwnedByDisabledAccounts,
  credentialsExpiringSoon,
  crossSolutionReferences,
  crypticReferenceNames,
  expiredCredentials,
  governanceFindings,
  personalConnectionsInProduction,
  unboundReferences,
} from '../../../src/connections/findings';
import { demoLikeSnapshot, inDays } from './snapshotFixture';

const subjects = (findings: { subject: string }[]) => findings.map((f) => f.subject).sort();

test('flags the app user holding System Administrator, by its app name, and not the least-privilege one', () => {
  const findings = appUsersWithSystemAdministrator(demoLikeSnapshot());
  expect(subjects(findings)).toEqual(['D365-App-Registration']);
  expect(findings[0]).toMatchObject({ severity: 'high', environment: 'Contoso PROD', owner: 'Megan Bowen' });
});

test('credentials expiring within 30 days are listed with days left and a Rotate action for secrets; 45 days is not', () => {
  const findings = credentialsExpiringSoon(demoLikeSnapshot(), { withinDays: 30 });
  expect(subjects(findings)).toEqual(['D365-App-Registration', 'Lunch-Order-App']);
  const d365 = findings.find((f) => f.subject === 'D365-App-Registration');
  expect(d365).toMatchObject({ daysLeft: 10, id: 'credential-expiring:app-d365:k1' });
  expect(d365?.action).toEqual({ title: 'Rotate', verb: 'rotation.request', data: { appObjectId: 'obj-d365' } });
  expect(findings.find((f) => f.subject === 'Lunch-Order-App')?.why).toMatch(/certificate expires in 20 days/);
  // A new client secret would not renew a certificate: the step offered is the app's page in Entra.
  expect(findings.find((f) => f.subject === 'Lunch-Order-App')?.action).toEqual({
    title: 'Renew certificate',
    url: expect.stringMatching(/^https:\/\/entra\.microsoft\.com\/.*\/Credentials\/appId\/app-lunch$/),
  });
  expect(subjects(credentialsExpiringSoon(demoLikeSnapshot(), { withinDays: 60 }))).toContain('AppUser_Dataverse_PRD');
});

test('a recently expired secret behind a broken connection is high; one expired 400 days ago is stale clutter', () => {
  const findings = expiredCredentials(demoLikeSnapshot());
  const coe = findings.find((f) => f.subject === 'CoE-Sync-SP');
  expect(coe).toMatchObject({ kind: 'credential-expired', severity: 'high', daysLeft: -3 });
  expect(coe?.why).toMatch(/1 connection is in Error/);
  const legacy = findings.find((f) => f.subject === 'Legacy-Integration');
  expect(legacy).toMatchObject({ kind: 'credential-stale', severity: 'low', owner: 'Lee Gu' });
  expect(findings.filter((f) => f.subject === 'Legacy-Integration')).toHaveLength(1);
});

test('connections owned by a disabled account name the flows that depend on them', () => {
  const findings = connectionsOwnedByDisabledAccounts(demoLikeSnapshot());
  expect(findings).toHaveLength(1);
  expect(findings[0]).toMatchObject({ subject: 'Lee SQL', owner: 'Lee Gu', severity: 'high' });
  expect(findings[0].why).toMatch(/Vendor onboarding/);
});

test('personal connections used by production flows are flagged, technical accounts and disabled owners are not', () => {
  const findings = personalConnectionsInProduction(demoLikeSnapshot());
  expect(subjects(findings)).toEqual(['Megan SharePoint']);
  expect(findings[0].why).toMatch(/Site request intake/);
});

test('connections in Error get the remedy that fits: rotate for a service principal, sign in again otherwise', () => {
  const findings = connectionsInError(demoLikeSnapshot());
  const megan = findings.find((f) => f.subject === 'Megan SharePoint');
  expect(megan?.why).toMatch(/sign in again/i);
  expect(megan?.action?.title).toBe('Fix connection');
  const coe = findings.find((f) => f.subject === 'CoE Dataverse');
  expect(coe?.why).toMatch(/rotate the secret/i);
  expect(coe?.action).toMatchObject({ verb: 'rotation.request', data: { appObjectId: 'obj-coe' } });
  expect(findings.find((f) => f.subject === 'Half-made')?.kind).toBe('connection-needs-configuration');
});

test('references: unbound (naming the flow kept off), broken custom connector, cross-solution, cryptic name', () => {
  const s = demoLikeSnapshot();
  const unbound = unboundReferences(s);
  expect(subjects(unbound)).toEqual(['INV Approvals Ref']);
  expect(unbound[0].why).toMatch(/Invoice approval routing/);
  const broken = brokenReferences(s);
  expect(subjects(broken)).toEqual(['Inventory API Ref']);
  expect(broken[0].why).toMatch(/custom connector/);
  const cross = crossSolutionReferences(s);
  expect(subjects(cross)).toEqual(['ABCSOL DataVerse Connection Ref']);
  expect(cross[0].why).toMatch(/ABCSOL and Invoice Approvals/);
  expect(subjects(crypticReferenceNames(s))).toEqual(['cr6a1_sharedcommondataserviceforapps_5f2c1']);
});

test('a reference is not called broken when its environment could not be read', () => {
  const s = { ...demoLikeSnapshot(), partialEnvironmentIds: ['env-prod'] };
  expect(brokenReferences(s)).toEqual([]);
});

test('all rules together: ids are unique and stable, most severe first', () => {
  const first = governanceFindings(demoLikeSnapshot());
  const second = governanceFindings(demoLikeSnapshot());
  expect(first.map((f) => f.id)).toEqual(second.map((f) => f.id));
  expect(new Set(first.map((f) => f.id)).size).toBe(first.length);
  const ranks = first.map((f) => ({ high: 0, medium: 1, low: 2 })[f.severity]);
  expect([...ranks].sort()).toEqual(ranks);
});

describe('remedies follow the documentation', () => {
  test('a service-principal connection created by someone who left is not a disabled-owner finding; PROD gets no person', () => {
    const s = demoLikeSnapshot();
    s.connections.push({
      ...s.connections.find((c) => c.name === 'c-abc-prod')!,
      name: 'c-lee-sp',
      displayName: 'Lee SP Dataverse',
      createdBy: { id: 'u-lee', displayName: 'Lee Gu', type: 'User' },
    });
    const findings = connectionsOwnedByDisabledAccounts(s);
    expect(subjects(findings)).toEqual(['Lee SQL']);
    expect(findings[0].why).toMatch(/a service principal \(where the connector supports it\) or a technical user/);
    expect(findings[0].why).not.toMatch(/of your own/);
  });

  test('an expiring secret says whether the connections hold it: the only current secret, or maybe another one', () => {
    const only = credentialsExpiringSoon(demoLikeSnapshot()).find((f) => f.subject === 'D365-App-Registration');
    expect(only?.why).toMatch(
      /only current secret, so the connection signing in with this app \(c-abc-prod\) holds it/,
    );
    const s = demoLikeSnapshot();
    s.apps[0].passwordCredentials.push({ keyId: 'k-new', displayName: 'D365 2026', endDateTime: inDays(300) });
    const two = credentialsExpiringSoon(s).find((f) => f.subject === 'D365-App-Registration');
    expect(two?.why).toMatch(/also has 1 later-expiring secret \(D365 2026\).*only those holding this one will fail/);
    expect(two?.why).not.toMatch(/holds it and will fail/);
  });

  test('a Dataverse connection in error is not an outage of runs: saving and publishing stop (Learn), turning on is not confirmed', () => {
    const coe = connectionsInError(demoLikeSnapshot()).find((f) => f.subject === 'CoE Dataverse');
    expect(coe?.why).toMatch(/cannot be saved or published/);
    expect(coe?.why).not.toMatch(/published or turned on/);
    expect(coe?.why).toMatch(/not confirmed: whether turning them on is refused too/);
    expect(coe?.severity).toBe('medium');
  });

  test('a personal connection in production can stop (the practitioner article says "can"), not "stops"', () => {
    const [finding] = personalConnectionsInProduction(demoLikeSnapshot());
    expect(finding.why).toMatch(
      /can stop when their password changes, a sign-in prompt \(MFA\) blocks the connection or they leave/,
    );
    expect(finding.why).not.toMatch(/it stops when/);
  });

  test('a cross-solution reference: one record re-bound for both (Learn), one per solution is practice, not a rule', () => {
    const [cross] = crossSolutionReferences(demoLikeSnapshot());
    expect(cross.why).toMatch(/binding it to another connection for one solution moves the other's flows too/);
    expect(cross.why).toMatch(/not a Microsoft rule/);
    expect(cross.why).not.toMatch(/deploying or removing one changes the other/);
  });

  test('a removed secret with a current one left is not "rotate": update the connection with the current secret', () => {
    const s = demoLikeSnapshot();
    const coe = s.connections.find((c) => c.name === 'c-coe')!;
    coe.error = {
      code: 'Unauthorized',
      message: 'Error: AADSTS7000215: Invalid client secret provided.',
      target: 'token',
    };
    s.apps
      .find((a) => a.appId === 'app-coe')!
      .passwordCredentials.push({ keyId: 'k-ok', displayName: 'CoE 2026', endDateTime: inDays(100) });
    const finding = connectionsInError(s).find((f) => f.subject === 'CoE Dataverse');
    expect(finding?.why).toMatch(/removed or replaced.*CoE 2026/);
    expect(finding?.why).toMatch(/Update the connection with a current secret/);
    expect(finding?.action?.title).toBe('Fix connection');
  });

  test('cryptic names: renaming changes the display name only, and binding uses the logical name', () => {
    const [finding] = crypticReferenceNames(demoLikeSnapshot());
    expect(finding.why).not.toMatch(/deployments bind it correctly/);
    expect(finding.why).toMatch(/logical name cannot change and is what flows and deployment settings bind by/);
  });

  test('a broken custom connector reference gets a new reference, not a rebind', () => {
    const [broken] = brokenReferences(demoLikeSnapshot());
    expect(broken.why).toMatch(/Create a new connection reference to the custom connector/);
    expect(broken.why).not.toMatch(/rebind/);
  });

  test('an expired secret with a current one left: the broken connections are updated with it, not "because of it"', () => {
    const s = demoLikeSnapshot();
    s.apps.find((a) => a.appId === 'app-coe')!.passwordCredentials.push({ keyId: 'k-ok', endDateTime: inDays(100) });
    const coe = expiredCredentials(s).find((f) => f.subject === 'CoE-Sync-SP');
    expect(coe?.why).toMatch(/the app has a current secret: update it with that one/);
    expect(coe?.why).not.toMatch(/because of it/);
  });
});
