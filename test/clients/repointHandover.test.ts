/**
 * The clients the coming re-point and handover operations will call, through the bot's own tenant ports against
 * the demo tenant: Vendor Management re-pointed end to end (share the target with the bot, bind both references,
 * turn both flows off and on, read their state), a solution flow's owner changed, a flow co-owner added, a manager
 * read; each refusal as a typed TenantApiError; 429 waited out, 503 and a lost answer reported.
 */
import axios from 'axios';
import { collect } from '../../src/clients';
import { environmentHost } from '../../src/emulator/connectionModel';
import { APPS, CONNECTIONS, FLOWS, USERS, WORKFLOWS } from '../../src/emulator/fixture';
import { isTenantApiError, TenantApiError } from '../../src/tenant/errors';
import type { ConnectionReference, Environment } from '../../src/tenant/model';
import { startDemoTenant, type DemoTenant } from './demoTenant';

describe('re-point and handover clients against the demo tenant', () => {
  let tenant: DemoTenant;
  let prod: Environment;
  beforeAll(async () => {
    tenant = await startDemoTenant();
    prod = (await tenant.ports.connections.listEnvironments()).find((e) => e.displayName === 'Contoso PROD')!;
  });
  afterAll(() => tenant.close());
  beforeEach(() => {
    tenant.emulator.control.reset();
    tenant.emulator.control.setFaults('');
  });

  const vendorReferences = async (): Promise<Record<'dataverse' | 'sharePoint', ConnectionReference>> => {
    const refs = await collect(tenant.ports.dataverse.listConnectionReferences(prod));
    return {
      dataverse: refs.find((r) => r.displayName === 'VM Dataverse Connection Ref')!,
      sharePoint: refs.find((r) => r.displayName === 'VM SharePoint Connection Ref')!,
    };
  };
  /** TechUser_Sharepoint_PRD shares their connection, as its owner, through the Power Platform API. */
  const shareAsTechnicalUser = async (connectionName: string, principalId: string): Promise<void> => {
    const info = tenant.emulator.info;
    const token = tenant.emulator.control.userToken(USERS.techUser.upn, 'https://api.powerplatform.com/.default');
    const base = info.powerPlatform.replace('{environmentHost}', environmentHost(prod.id));
    const answer = await axios.post(
      `${base}/connectivity/connectors/shared_sharepointonline/connections/${connectionName}/modifyPermissions?api-version=1`,
      {
        put: [
          {
            properties: {
              roleName: 'CanView',
              principal: { id: principalId, type: 'ServicePrincipal', tenantId: info.tenantId },
            },
          },
        ],
      },
      { headers: { Authorization: `Bearer ${token}` }, validateStatus: () => true },
    );
    expect(answer.status).toBe(200);
  };
  const failure = (promise: Promise<unknown>): Promise<TenantApiError> =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => {
        if (!isTenantApiError(error)) throw error;
        return error;
      },
    );

  it("re-points Vendor Management from Lee Gu's connections to the service principal's and the technical user's", async () => {
    const { connections, dataverse, directory, flows } = tenant.ports;
    const refs = await vendorReferences();
    expect(refs.dataverse.connectionName).toBe(CONNECTIONS.prodLeeDataverse);
    expect(refs.sharePoint.connectionName).toBe(CONNECTIONS.prodLeeSharePoint);

    // The technical user's SharePoint connection is OAuth: its owner may share it with the bot's service principal
    // (Can use), through the Power Platform API as docs/deployment.md describes.
    const botPrincipal = (await directory.findServicePrincipalIdByAppId(tenant.emulator.info.clientId))!;
    expect(botPrincipal).toBe(APPS.bot.spId);
    await shareAsTechnicalUser(CONNECTIONS.prodTechSharePoint, botPrincipal);

    await dataverse.bindConnectionReference(prod, refs.dataverse.id, CONNECTIONS.prodD365Dataverse);
    await dataverse.bindConnectionReference(prod, refs.sharePoint.id, CONNECTIONS.prodTechSharePoint);
    expect((await dataverse.getConnectionReference(prod, refs.dataverse.id))?.connectionName).toBe(
      CONNECTIONS.prodD365Dataverse,
    );
    expect((await dataverse.getConnectionReference(prod, refs.sharePoint.id))?.connectionName).toBe(
      CONNECTIONS.prodTechSharePoint,
    );

    for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
      // Still on Lee's connection until turned off and on.
      const running = await flows.getFlow(prod.id, flowId);
      expect(
        running.connectionReferences.find((r) => r.connector === 'shared_commondataserviceforapps')?.connectionName,
      ).toBe(CONNECTIONS.prodLeeDataverse);
      await flows.stopFlow(prod.id, flowId);
      expect((await flows.getFlow(prod.id, flowId)).state).toBe('Stopped');
      await flows.startFlow(prod.id, flowId);
      const after = await flows.getFlow(prod.id, flowId);
      expect(after.state).toBe('Started');
      expect(
        after.connectionReferences.find((r) => r.connector === 'shared_commondataserviceforapps')?.connectionName,
      ).toBe(CONNECTIONS.prodD365Dataverse);
    }
    const onboarding = await flows.getFlow(prod.id, FLOWS.vendorOnboarding);
    expect(onboarding.connectionReferences.find((r) => r.connector === 'shared_sharepointonline')?.connectionName).toBe(
      CONNECTIONS.prodTechSharePoint,
    );
    // Undo: the previous binding goes back the same way, once the bot may use Lee's connection too. Lee is disabled
    // and cannot share it: an admin does, through the classic admin API (whether the real one shares with a service
    // principal is unconfirmed: its cmdlet offers users, groups and the tenant only).
    const undo = () => dataverse.bindConnectionReference(prod, refs.dataverse.id, CONNECTIONS.prodLeeDataverse);
    expect(await failure(undo())).toMatchObject({ kind: 'forbidden', code: '0x80040220' });
    await connections.modifyPermissions(prod.id, 'shared_commondataserviceforapps', CONNECTIONS.prodLeeDataverse, {
      put: [{ principal: { id: botPrincipal, type: 'ServicePrincipal' }, roleName: 'CanView' }],
    });
    await undo();
    expect(tenant.emulator.control.connectionReference(prod.id, 'vm_VMDataverseConnectionRef')?.connectionId).toBe(
      CONNECTIONS.prodLeeDataverse,
    );
  });

  it('reports what the service refuses to bind as typed errors, and a missing reference as undefined', async () => {
    const { dataverse } = tenant.ports;
    const refs = await vendorReferences();
    const otherEnvironment = await failure(
      dataverse.bindConnectionReference(prod, refs.dataverse.id, CONNECTIONS.devAbcsolDataverse),
    );
    expect(otherEnvironment).toMatchObject({ kind: 'badRequest', code: '0x80040203', api: 'dataverse' });
    const otherConnector = await failure(
      dataverse.bindConnectionReference(prod, refs.dataverse.id, CONNECTIONS.prodTechSharePoint),
    );
    expect(otherConnector).toMatchObject({ kind: 'badRequest', code: '0x80040203' });
    // Not shared with the bot: the bot may not use it.
    const notUsable = await failure(
      dataverse.bindConnectionReference(prod, refs.sharePoint.id, CONNECTIONS.prodTechSharePoint),
    );
    expect(notUsable).toMatchObject({ kind: 'forbidden', code: '0x80040220' });
    const missing = await failure(
      dataverse.bindConnectionReference(prod, '80000000-0000-4000-8000-0000000fffff', CONNECTIONS.prodD365Dataverse),
    );
    expect(missing).toMatchObject({ kind: 'notFound' });
    expect(await dataverse.getConnectionReference(prod, '80000000-0000-4000-8000-0000000fffff')).toBeUndefined();
    expect((await dataverse.getConnectionReference(prod, refs.dataverse.id))?.connectionName).toBe(
      CONNECTIONS.prodLeeDataverse,
    );
  });

  it('refuses to turn a flow on over a connection in error', async () => {
    const refs = await vendorReferences();
    await tenant.ports.dataverse.bindConnectionReference(prod, refs.dataverse.id, CONNECTIONS.prodCoeDataverse);
    await tenant.ports.flows.stopFlow(prod.id, FLOWS.nightlyExport);
    const refused = await failure(tenant.ports.flows.startFlow(prod.id, FLOWS.nightlyExport));
    expect(refused).toMatchObject({ kind: 'badRequest', code: 'InvalidConnection', api: 'flow' });
    expect((await tenant.ports.flows.getFlow(prod.id, FLOWS.nightlyExport)).state).toBe('Stopped');
  });

  it('hands a solution flow over to Lynne in Dataverse, and refuses a disabled new owner', async () => {
    const { dataverse, flows } = tenant.ports;
    const lynne = await dataverse.findSystemUser(prod, USERS.lynne.id);
    expect(lynne).toMatchObject({ fullName: 'Lynne Robbins', isDisabled: false, entraObjectId: USERS.lynne.id });
    const lee = await dataverse.findSystemUser(prod, USERS.lee.id);
    expect(lee?.isDisabled).toBe(true);
    expect(await dataverse.findSystemUser(prod, '00000000-0000-4000-8000-00000000dead')).toBeUndefined();

    const disabled = await failure(dataverse.setSolutionFlowOwner(prod, WORKFLOWS.vendorOnboarding, lee!.id));
    expect(disabled).toMatchObject({ kind: 'badRequest', code: '0x80040225' });

    await dataverse.setSolutionFlowOwner(prod, WORKFLOWS.vendorOnboarding, lynne!.id);
    expect((await dataverse.getSolutionFlow(prod, WORKFLOWS.vendorOnboarding))?.ownerId).toBe(lynne!.id);
    const owners = await flows.listFlowOwners(prod.id, FLOWS.vendorOnboarding);
    expect(owners.map((o) => [o.principal.id, o.role])).toEqual([[USERS.lynne.id, 'Owner']]);
    expect(await dataverse.getSolutionFlow(prod, 'f2000000-0000-4000-8000-00000000ffff')).toBeUndefined();
  });

  it('adds and removes a co-owner of a flow outside solutions; a solution flow is refused on the admin route', async () => {
    const { flows } = tenant.ports;
    await flows.addFlowOwner(prod.id, FLOWS.siteRequestIntake, { id: USERS.lynne.id, type: 'User' }, 'CanEdit');
    await flows.addFlowOwner(prod.id, FLOWS.siteRequestIntake, { id: USERS.lynne.id, type: 'User' }, 'CanEdit');
    const owners = await flows.listFlowOwners(prod.id, FLOWS.siteRequestIntake);
    expect(owners.map((o) => [o.principal.id, o.role])).toEqual([
      [USERS.megan.id, 'Owner'],
      [USERS.lynne.id, 'CanEdit'],
    ]);
    await flows.removeFlowOwner(prod.id, FLOWS.siteRequestIntake, USERS.lynne.id);
    expect((await flows.listFlowOwners(prod.id, FLOWS.siteRequestIntake)).map((o) => o.principal.id)).toEqual([
      USERS.megan.id,
    ]);
    const creator = await failure(flows.removeFlowOwner(prod.id, FLOWS.siteRequestIntake, USERS.megan.id));
    expect(creator).toMatchObject({ kind: 'badRequest', code: 'CannotModifyCreator' });
    const solution = await failure(
      flows.addFlowOwner(prod.id, FLOWS.vendorOnboarding, { id: USERS.lynne.id, type: 'User' }, 'CanEdit'),
    );
    expect(solution).toMatchObject({ kind: 'badRequest', code: 'SolutionFlowPermissionsNotSupported' });
  });

  it("reads a user's manager: none for Lee Gu in the fixture, the one the directory records, an error for nobody", async () => {
    const { directory } = tenant.ports;
    expect(await directory.getManager(USERS.lee.upn)).toBeUndefined();
    tenant.emulator.control.setManager(USERS.lee.id, USERS.lynne.id);
    expect(await directory.getManager(USERS.lee.id)).toMatchObject({
      id: USERS.lynne.id,
      displayName: 'Lynne Robbins',
    });
    const nobody = await failure(directory.getManager('nobody@example.com'));
    expect(nobody).toMatchObject({ kind: 'notFound', code: 'Request_ResourceNotFound' });
  });

  describe('faults and throttling', () => {
    it('waits out a 429 with Retry-After on a bind, a flow owner change and a manager read', async () => {
      const refs = await vendorReferences();
      tenant.emulator.control.setFaults(
        'dataverse.update:throttle=1/1;flow.adminModifyFlowPermissions:throttle=1/1;graph.getManager:throttle=1/1',
      );
      const before = tenant.emulator.control.requestCount('dataverse');
      await tenant.ports.dataverse.bindConnectionReference(prod, refs.dataverse.id, CONNECTIONS.prodD365Dataverse);
      await tenant.ports.dataverse.bindConnectionReference(prod, refs.dataverse.id, CONNECTIONS.prodD365Dataverse);
      // The second bind was refused once (429) and sent again after the wait.
      expect(tenant.emulator.control.requestCount('dataverse') - before).toBe(3);
      const lynne = { id: USERS.lynne.id, type: 'User' as const };
      await tenant.ports.flows.addFlowOwner(prod.id, FLOWS.siteRequestIntake, lynne, 'CanEdit');
      await tenant.ports.flows.addFlowOwner(prod.id, FLOWS.siteRequestIntake, lynne, 'CanView');
      expect(tenant.emulator.control.flow(prod.id, FLOWS.siteRequestIntake)?.owners[1]).toEqual({
        principalId: USERS.lynne.id,
        roleName: 'CanView',
      });
      expect(await tenant.ports.directory.getManager(USERS.lee.id)).toBeUndefined();
      expect(await tenant.ports.directory.getManager(USERS.lee.id)).toBeUndefined();
    });

    it('reports a throttle beyond its budget as throttled, and a 503 storm as unavailable, with nothing changed', async () => {
      const refs = await vendorReferences();
      tenant.emulator.control.setFaults('dataverse.update:throttle=1/600');
      await tenant.ports.dataverse.bindConnectionReference(prod, refs.dataverse.id, CONNECTIONS.prodD365Dataverse);
      const throttled = await failure(
        tenant.ports.dataverse.bindConnectionReference(prod, refs.dataverse.id, CONNECTIONS.prodMeganDataverse),
      );
      expect(throttled).toMatchObject({ kind: 'throttled', status: 429 });
      expect(throttled.retryAfterMs).toBeGreaterThan(5000);

      const lynne = (await tenant.ports.dataverse.findSystemUser(prod, USERS.lynne.id))!;
      tenant.emulator.control.setFaults('dataverse.update:error=1:503;flow.adminModifyFlowPermissions:error=1:503');
      const unavailable = await failure(
        tenant.ports.dataverse.setSolutionFlowOwner(prod, WORKFLOWS.nightlyExport, lynne.id),
      );
      expect(unavailable).toMatchObject({ kind: 'unavailable', status: 503 });
      const flowDown = await failure(
        tenant.ports.flows.addFlowOwner(
          prod.id,
          FLOWS.siteRequestIntake,
          { id: USERS.lynne.id, type: 'User' },
          'CanEdit',
        ),
      );
      expect(flowDown).toMatchObject({ kind: 'unavailable', api: 'flow' });
      expect(tenant.emulator.control.connectionReference(prod.id, 'vm_VMDataverseConnectionRef')?.connectionId).toBe(
        CONNECTIONS.prodD365Dataverse,
      );
      expect(tenant.emulator.control.flow(prod.id, FLOWS.siteRequestIntake)?.owners).toHaveLength(1);
      expect(tenant.emulator.control.flow(prod.id, FLOWS.nightlyExport)?.workflow?.ownerId).not.toBe(lynne.id);
    });

    it('sends a bind whose answer was lost again (it is idempotent): applied once, and the same when read back', async () => {
      const refs = await vendorReferences();
      tenant.emulator.control.setFaults('dataverse.update:ambiguous=1');
      const lost = await failure(
        tenant.ports.dataverse.bindConnectionReference(prod, refs.dataverse.id, CONNECTIONS.prodD365Dataverse),
      );
      // Every attempt was applied and its answer lost: the client retried, then reported the failure.
      expect(lost.kind).toBe('unavailable');
      tenant.emulator.control.setFaults('');
      expect((await tenant.ports.dataverse.getConnectionReference(prod, refs.dataverse.id))?.connectionName).toBe(
        CONNECTIONS.prodD365Dataverse,
      );
    });
  });
});
