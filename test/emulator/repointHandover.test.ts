/**
 * The emulator's routes for re-pointing connection references and handing over a leaver's flows, called raw:
 * Dataverse PATCH of a reference's connection and of a solution flow's owner, the Flow API's modifyPermissions and
 * turning flows off and on, Graph's manager — each success, each refusal, and faults and 429 on these writes.
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import {
  APPS,
  CONNECTION_REFERENCES,
  CONNECTIONS,
  ENVIRONMENTS,
  FLOWS,
  GROUPS,
  USERS,
  WORKFLOWS,
} from '../../src/emulator/fixture';
import { EmulatorHttp, SCOPES } from './emulatorHttp';

type Body = { error?: { code: string; message: string }; value?: Record<string, unknown>[] } & Record<string, unknown>;

describe('re-point and handover routes', () => {
  let emulator: RunningEmulator;
  let http: EmulatorHttp;
  let prodOrg: string;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    http = new EmulatorHttp(emulator);
    prodOrg = emulator.info.dataverse['Contoso PROD'];
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.control.reset();
    emulator.control.setFaults('');
  });

  const PROD = ENVIRONMENTS.prod.id;
  const R = CONNECTION_REFERENCES;
  const dvScope = () => `${prodOrg}/.default`;
  const bot = () => http.botToken(dvScope());
  const api = (path: string) => `${prodOrg}/api/data/v9.2/${path}`;

  async function referenceId(logicalName: string): Promise<string> {
    const found = await http.call<Body>(
      'GET',
      api(
        `connectionreferences?$filter=connectionreferencelogicalname eq '${logicalName}'&$select=connectionreferenceid`,
      ),
      await bot(),
    );
    return String(found.data.value![0].connectionreferenceid);
  }

  async function systemUserId(objectId: string): Promise<string> {
    const found = await http.call<Body>(
      'GET',
      api(`systemusers?$filter=azureactivedirectoryobjectid eq ${objectId}&$select=systemuserid`),
      await bot(),
    );
    return String(found.data.value![0].systemuserid);
  }

  const patch = async (path: string, body: unknown, token?: string, headers: Record<string, string> = {}) =>
    http.call<Body>('PATCH', api(path), token ?? (await bot()), body, { headers: { 'If-Match': '*', ...headers } });

  const flowAdmin = (flow: string, action: string) =>
    `${emulator.info.flow}/providers/Microsoft.ProcessSimple/scopes/admin/environments/${PROD}/flows/${flow}${action}?api-version=2016-11-01`;
  const flowMaker = (flow: string, action: string) =>
    `${emulator.info.flow}/providers/Microsoft.ProcessSimple/environments/${PROD}/flows/${flow}${action}?api-version=2016-11-01`;
  const coOwner = (id: string, roleName = 'CanEdit', type = 'User') => ({
    put: [{ properties: { principal: { id, type }, roleName } }],
  });

  describe('Dataverse: a connection reference bound to another connection', () => {
    it('binds the VM Dataverse reference to the service-principal connection, once or twice alike', async () => {
      const id = await referenceId(R.vendorDataverse.logicalName);
      const first = await patch(`connectionreferences(${id})`, { connectionid: CONNECTIONS.prodD365Dataverse });
      expect(first.status).toBe(204);
      expect(first.headers['odata-entityid']).toBe(`${prodOrg}/api/data/v9.2/connectionreferences(${id})`);
      expect(emulator.control.connectionReference(PROD, R.vendorDataverse.logicalName)?.connectionId).toBe(
        CONNECTIONS.prodD365Dataverse,
      );
      const again = await patch(`connectionreferences(${id})`, { connectionid: CONNECTIONS.prodD365Dataverse });
      expect(again.status).toBe(204);
      const row = await http.call<Body>('GET', api(`connectionreferences(${id})?$select=connectionid`), await bot());
      expect(row.data).toMatchObject({ connectionreferenceid: id, connectionid: CONNECTIONS.prodD365Dataverse });
      expect(Object.keys(row.data).sort()).toEqual([
        '@odata.context',
        '@odata.etag',
        'connectionid',
        'connectionreferenceid',
      ]);
    });

    it('answers the row under Prefer: return=representation', async () => {
      const id = await referenceId(R.vendorDataverse.logicalName);
      const answer = await patch(
        `connectionreferences(${id})`,
        { connectionid: CONNECTIONS.prodD365Dataverse },
        undefined,
        { Prefer: 'return=representation' },
      );
      expect(answer.status).toBe(200);
      expect(answer.data).toMatchObject({ connectionreferenceid: id, connectionid: CONNECTIONS.prodD365Dataverse });
    });

    it('refuses a connection of another environment, of another connector, or one the caller may not use', async () => {
      const id = await referenceId(R.vendorDataverse.logicalName);
      const otherEnvironment = await patch(`connectionreferences(${id})`, {
        connectionid: CONNECTIONS.devAbcsolDataverse,
      });
      expect(otherEnvironment.status).toBe(400);
      expect(otherEnvironment.data.error).toMatchObject({ code: '0x80040203' });
      expect(otherEnvironment.data.error!.message).toContain("environment 'Contoso DEV'");

      const otherConnector = await patch(`connectionreferences(${id})`, {
        connectionid: CONNECTIONS.prodTechSharePoint,
      });
      expect(otherConnector.status).toBe(400);
      expect(otherConnector.data.error!.message).toContain("'shared_sharepointonline'");

      const spRef = await referenceId(R.vendorSharePoint.logicalName);
      const notShared = await patch(`connectionreferences(${spRef})`, { connectionid: CONNECTIONS.prodTechSharePoint });
      expect(notShared.status).toBe(403);
      expect(notShared.data.error).toMatchObject({ code: '0x80040220' });

      const unknown = await patch(`connectionreferences(${id})`, { connectionid: 'no-such-connection' });
      expect(unknown.status).toBe(400);
      // Nothing of it changed the binding.
      expect(emulator.control.connectionReference(PROD, R.vendorDataverse.logicalName)?.connectionId).toBe(
        CONNECTIONS.prodLeeDataverse,
      );
    });

    it('binds a connection once it is shared with the caller (an admin shares it with the bot)', async () => {
      const share = await http.call(
        'POST',
        `${emulator.info.powerApps}/providers/Microsoft.PowerApps/scopes/admin/environments/${PROD}/apis/shared_sharepointonline/connections/${CONNECTIONS.prodTechSharePoint}/modifyPermissions?api-version=2017-06-01`,
        await http.botToken(SCOPES.powerApps),
        coOwner(APPS.bot.spId, 'CanView', 'ServicePrincipal'),
      );
      expect(share.status).toBe(200);
      const spRef = await referenceId(R.vendorSharePoint.logicalName);
      expect(
        (await patch(`connectionreferences(${spRef})`, { connectionid: CONNECTIONS.prodTechSharePoint })).status,
      ).toBe(204);
    });

    it('refuses an unknown reference, an unknown column, and a maker who neither owns it nor administers the org', async () => {
      const missing = await patch('connectionreferences(80000000-0000-4000-8000-0000000fffff)', { connectionid: null });
      expect(missing.status).toBe(404);
      expect(missing.data.error).toMatchObject({ code: '0x80040217' });
      const id = await referenceId(R.vendorDataverse.logicalName);
      const column = await patch(`connectionreferences(${id})`, { connection: CONNECTIONS.prodD365Dataverse });
      expect(column.status).toBe(400);
      expect(column.data.error).toMatchObject({ code: '0x80060888' });
      const adele = http.userToken(USERS.adele.upn, dvScope());
      const maker = await patch(`connectionreferences(${id})`, { connectionid: CONNECTIONS.prodMeganDataverse }, adele);
      expect(maker.status).toBe(403);
      expect(maker.data.error!.message).toContain('prvWriteconnectionreference');
    });

    it('unbinds with null', async () => {
      const id = await referenceId(R.vendorDataverse.logicalName);
      expect((await patch(`connectionreferences(${id})`, { connectionid: null })).status).toBe(204);
      expect(emulator.control.connectionReference(PROD, R.vendorDataverse.logicalName)?.connectionId).toBeNull();
    });
  });

  describe('Flow API: a solution flow takes its new connections when turned off and on', () => {
    it('keeps running on the old connection until restarted, then uses the new one', async () => {
      const id = await referenceId(R.vendorDataverse.logicalName);
      await patch(`connectionreferences(${id})`, { connectionid: CONNECTIONS.prodD365Dataverse });
      const before = emulator.control.flow(PROD, FLOWS.nightlyExport)!;
      expect(before.connections.shared_commondataserviceforapps).toBe(CONNECTIONS.prodLeeDataverse);
      const flowToken = await http.botToken(SCOPES.flow);
      expect((await http.call('POST', flowAdmin(FLOWS.nightlyExport, '/stop'), flowToken)).status).toBe(200);
      expect(emulator.control.flow(PROD, FLOWS.nightlyExport)).toMatchObject({
        state: 'Stopped',
        workflow: { stateCode: 0 },
      });
      expect((await http.call('POST', flowAdmin(FLOWS.nightlyExport, '/start'), flowToken)).status).toBe(200);
      const after = await http.call<{
        properties: { state: string; connectionReferences: Record<string, { connectionName: string }> };
      }>('GET', flowAdmin(FLOWS.nightlyExport, ''), flowToken);
      expect(after.data.properties.state).toBe('Started');
      expect(after.data.properties.connectionReferences.shared_commondataserviceforapps.connectionName).toBe(
        CONNECTIONS.prodD365Dataverse,
      );
      expect(emulator.control.flow(PROD, FLOWS.nightlyExport)?.workflow?.stateCode).toBe(1);
    });

    it('cannot turn a flow on with a connection in error (CoE-Sync-SP: its secret expired), nor with an unbound reference', async () => {
      const id = await referenceId(R.vendorDataverse.logicalName);
      expect((await patch(`connectionreferences(${id})`, { connectionid: CONNECTIONS.prodCoeDataverse })).status).toBe(
        204,
      );
      const flowToken = await http.botToken(SCOPES.flow);
      await http.call('POST', flowAdmin(FLOWS.nightlyExport, '/stop'), flowToken);
      const refused = await http.call<Body>('POST', flowAdmin(FLOWS.nightlyExport, '/start'), flowToken);
      expect(refused.status).toBe(400);
      expect(refused.data.error).toMatchObject({ code: 'InvalidConnection' });
      expect(refused.data.error!.message).toContain("state 'Error'");
      expect(emulator.control.flow(PROD, FLOWS.nightlyExport)?.state).toBe('Stopped');

      await patch(`connectionreferences(${id})`, { connectionid: null });
      const unbound = await http.call<Body>('POST', flowAdmin(FLOWS.nightlyExport, '/start'), flowToken);
      expect(unbound.data.error).toMatchObject({ code: 'ConnectionReferenceNotBound' });
    });
  });

  describe('Flow API: modifyPermissions', () => {
    it('adds a co-owner to a flow outside solutions on the admin route, idempotently, and removes them', async () => {
      const token = await http.botToken(SCOPES.flow);
      for (let i = 0; i < 2; i++) {
        const added = await http.call(
          'POST',
          flowAdmin(FLOWS.siteRequestIntake, '/modifyPermissions'),
          token,
          coOwner(USERS.lynne.id),
        );
        expect(added.status).toBe(200);
      }
      expect(emulator.control.flow(PROD, FLOWS.siteRequestIntake)?.owners).toEqual([
        { principalId: USERS.megan.id, roleName: 'Owner' },
        { principalId: USERS.lynne.id, roleName: 'CanEdit' },
      ]);
      const owners = await http.call<{ value: { name: string; properties: { roleName: string } }[] }>(
        'GET',
        flowAdmin(FLOWS.siteRequestIntake, '/permissions'),
        token,
      );
      expect(owners.data.value.map((o) => [o.name, o.properties.roleName])).toContainEqual([USERS.lynne.id, 'CanEdit']);
      const removed = await http.call('POST', flowAdmin(FLOWS.siteRequestIntake, '/modifyPermissions'), token, {
        delete: [
          {
            id: `/providers/Microsoft.ProcessSimple/environments/${PROD}/flows/${FLOWS.siteRequestIntake}/permissions/${USERS.lynne.id}`,
          },
        ],
      });
      expect(removed.status).toBe(200);
      expect(emulator.control.flow(PROD, FLOWS.siteRequestIntake)?.owners).toEqual([
        { principalId: USERS.megan.id, roleName: 'Owner' },
      ]);
    });

    it('adds a group, and a run-only user who then cannot open the flow as a maker', async () => {
      const token = await http.botToken(SCOPES.flow);
      await http.call(
        'POST',
        flowAdmin(FLOWS.siteRequestIntake, '/modifyPermissions'),
        token,
        coOwner(GROUPS.admins.id, 'CanEdit', 'Group'),
      );
      await http.call(
        'POST',
        flowAdmin(FLOWS.siteRequestIntake, '/modifyPermissions'),
        token,
        coOwner(USERS.adele.id, 'CanView'),
      );
      const adele = http.userToken(USERS.adele.upn, SCOPES.flow);
      expect((await http.call('GET', flowMaker(FLOWS.siteRequestIntake, ''), adele)).status).toBe(403);
      const lynne = http.userToken(USERS.lynne.upn, SCOPES.flow);
      expect((await http.call('GET', flowMaker(FLOWS.siteRequestIntake, ''), lynne)).status).toBe(200);
    });

    it('refuses a solution flow on the admin route, the creator, an unknown principal, a bad role and a non-admin', async () => {
      const token = await http.botToken(SCOPES.flow);
      const solution = await http.call<Body>(
        'POST',
        flowAdmin(FLOWS.vendorOnboarding, '/modifyPermissions'),
        token,
        coOwner(USERS.lynne.id),
      );
      expect(solution.status).toBe(400);
      expect(solution.data.error).toMatchObject({ code: 'SolutionFlowPermissionsNotSupported' });
      const creator = await http.call<Body>('POST', flowAdmin(FLOWS.siteRequestIntake, '/modifyPermissions'), token, {
        delete: [{ id: USERS.megan.id }],
      });
      expect(creator.data.error).toMatchObject({ code: 'CannotModifyCreator' });
      const unknown = await http.call<Body>(
        'POST',
        flowAdmin(FLOWS.siteRequestIntake, '/modifyPermissions'),
        token,
        coOwner('00000000-0000-0000-0000-00000000dead'),
      );
      expect(unknown.data.error).toMatchObject({ code: 'PrincipalNotFound' });
      const role = await http.call<Body>(
        'POST',
        flowAdmin(FLOWS.siteRequestIntake, '/modifyPermissions'),
        token,
        coOwner(USERS.lynne.id, 'Owner'),
      );
      expect(role.status).toBe(400);
      const adele = http.userToken(USERS.adele.upn, SCOPES.flow);
      expect(
        (
          await http.call(
            'POST',
            flowAdmin(FLOWS.siteRequestIntake, '/modifyPermissions'),
            adele,
            coOwner(USERS.adele.id),
          )
        ).status,
      ).toBe(403);
      expect(emulator.control.flow(PROD, FLOWS.siteRequestIntake)?.owners).toHaveLength(1);
    });

    it('lets an owner share a solution flow from the maker route with a user of the environment only', async () => {
      // The creator of Vendor onboarding is Lee Gu, disabled; the owner route is exercised with Megan's own flow.
      const megan = http.userToken(USERS.megan.upn, SCOPES.flow);
      const maker = `${emulator.info.flow}/providers/Microsoft.ProcessSimple/environments/${PROD}/flows/${FLOWS.invoiceApproval}/modifyPermissions?api-version=2016-11-01`;
      expect((await http.call('POST', maker, megan, coOwner(USERS.lynne.id))).status).toBe(200);
      const outsider = await http.call<Body>('POST', maker, megan, coOwner(USERS.isaiah.id));
      expect(outsider.status).toBe(404);
      expect(outsider.data.error).toMatchObject({ code: 'PrincipalNotFoundInEnvironment' });
    });
  });

  describe('Dataverse: a solution flow given a new owner', () => {
    it('makes Lynne the owner of Vendor onboarding, in Dataverse and on the Flow API', async () => {
      const lynne = await systemUserId(USERS.lynne.id);
      const path = `workflows(${WORKFLOWS.vendorOnboarding})`;
      expect((await patch(path, { 'ownerid@odata.bind': `/systemusers(${lynne})` })).status).toBe(204);
      expect((await patch(path, { 'ownerid@odata.bind': `/systemusers(${lynne})` })).status).toBe(204);
      const flow = emulator.control.flow(PROD, FLOWS.vendorOnboarding)!;
      expect(flow.workflow?.ownerId).toBe(lynne);
      expect(flow.owners).toEqual([{ principalId: USERS.lynne.id, roleName: 'Owner' }]);
      const row = await http.call<Body>('GET', api(`${path}?$select=_ownerid_value`), await bot());
      expect(row.data._ownerid_value).toBe(lynne);
      // Lynne may now read it on the maker route as its owner.
      const lynneFlow = http.userToken(USERS.lynne.upn, SCOPES.flow);
      expect((await http.call('GET', flowMaker(FLOWS.vendorOnboarding, ''), lynneFlow)).status).toBe(200);
    });

    it('refuses a disabled user, an unknown user, a team and a maker without the assign privilege', async () => {
      const path = `workflows(${WORKFLOWS.vendorOnboarding})`;
      const lee = await systemUserId(USERS.lee.id);
      const disabled = await patch(path, { 'ownerid@odata.bind': `/systemusers(${lee})` });
      expect(disabled.status).toBe(400);
      expect(disabled.data.error).toMatchObject({ code: '0x80040225' });
      const unknown = await patch(path, { 'ownerid@odata.bind': '/systemusers(90000000-0000-4000-8000-0000000fffff)' });
      expect(unknown.status).toBe(404);
      const team = await patch(path, { 'ownerid@odata.bind': '/teams(90000000-0000-4000-8000-0000000fffff)' });
      expect(team.status).toBe(400);
      const adele = http.userToken(USERS.adele.upn, dvScope());
      const lynne = await systemUserId(USERS.lynne.id);
      const maker = await patch(path, { 'ownerid@odata.bind': `/systemusers(${lynne})` }, adele);
      expect(maker.status).toBe(403);
      expect(maker.data.error!.message).toContain('prvAssignWorkflow');
      expect(emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.owners[0].principalId).toBe(USERS.lee.id);
    });
  });

  describe('Graph: a user manager', () => {
    it('answers 404 naming the manager when there is none, the manager once set, 404 for an unknown user', async () => {
      const token = await http.botToken(SCOPES.graph);
      const url = (user: string) => `${emulator.info.graph}/users/${encodeURIComponent(user)}/manager`;
      const none = await http.call<Body>('GET', url(USERS.lee.id), token);
      expect(none.status).toBe(404);
      expect(none.data.error).toMatchObject({ code: 'Request_ResourceNotFound' });
      expect(none.data.error!.message).toContain("'manager'");
      emulator.control.setManager(USERS.lee.upn, USERS.lynne.upn);
      const set = await http.call<Body>('GET', `${url(USERS.lee.upn)}?$select=id,displayName`, token);
      expect(set.status).toBe(200);
      expect(set.data).toMatchObject({
        '@odata.type': '#microsoft.graph.user',
        id: USERS.lynne.id,
        displayName: 'Lynne Robbins',
      });
      const unknown = await http.call<Body>('GET', url('nobody@example.com'), token);
      expect(unknown.status).toBe(404);
      expect(unknown.data.error!.message).toContain('nobody@example.com');
      const control = await http.call('POST', `${emulator.info.control}/manager`, undefined, {
        user: USERS.lee.id,
        manager: null,
      });
      expect(control.status).toBe(200);
      expect((await http.call('GET', url(USERS.lee.id), token)).status).toBe(404);
    });
  });

  describe('faults and throttling on these writes', () => {
    it('answers the injected 503 and leaves the binding as it was', async () => {
      const id = await referenceId(R.vendorDataverse.logicalName);
      emulator.control.setFaults('dataverse.update:error=1:503;flow.adminModifyFlowPermissions:error=1:503');
      expect((await patch(`connectionreferences(${id})`, { connectionid: CONNECTIONS.prodD365Dataverse })).status).toBe(
        503,
      );
      const token = await http.botToken(SCOPES.flow);
      expect(
        (
          await http.call(
            'POST',
            flowAdmin(FLOWS.siteRequestIntake, '/modifyPermissions'),
            token,
            coOwner(USERS.lynne.id),
          )
        ).status,
      ).toBe(503);
      expect(emulator.control.connectionReference(PROD, R.vendorDataverse.logicalName)?.connectionId).toBe(
        CONNECTIONS.prodLeeDataverse,
      );
      expect(emulator.control.flow(PROD, FLOWS.siteRequestIntake)?.owners).toHaveLength(1);
    });

    it('throttles per caller with 429 and Retry-After, in each service own words', async () => {
      const id = await referenceId(R.vendorDataverse.logicalName);
      emulator.control.setFaults(
        'dataverse.update:throttle=1/60;flow.adminModifyFlowPermissions:throttle=1/60;graph.getManager:throttle=1/60',
      );
      expect((await patch(`connectionreferences(${id})`, { connectionid: CONNECTIONS.prodD365Dataverse })).status).toBe(
        204,
      );
      const throttled = await patch(`connectionreferences(${id})`, { connectionid: CONNECTIONS.prodD365Dataverse });
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(throttled.data.error).toMatchObject({ code: '0x80072322' });
      const flowToken = await http.botToken(SCOPES.flow);
      const modify = () =>
        http.call<Body>(
          'POST',
          flowAdmin(FLOWS.siteRequestIntake, '/modifyPermissions'),
          flowToken,
          coOwner(USERS.lynne.id),
        );
      expect((await modify()).status).toBe(200);
      expect((await modify()).status).toBe(429);
      const graph = await http.botToken(SCOPES.graph);
      const manager = () => http.call('GET', `${emulator.info.graph}/users/${USERS.lee.id}/manager`, graph);
      expect((await manager()).status).toBe(404);
      expect((await manager()).status).toBe(429);
    });

    it('ambiguous: the write is applied and the answer lost', async () => {
      const lynne = await systemUserId(USERS.lynne.id);
      emulator.control.setFaults('dataverse.update:ambiguous=1');
      await expect(
        patch(`workflows(${WORKFLOWS.nightlyExport})`, { 'ownerid@odata.bind': `/systemusers(${lynne})` }),
      ).rejects.toThrow();
      expect(emulator.control.flow(PROD, FLOWS.nightlyExport)?.workflow?.ownerId).toBe(lynne);
    });
  });

  it('reads state through the control routes over HTTPS as well', async () => {
    const flow = await http.call(
      'GET',
      `${emulator.info.control}/flow?env=${PROD}&flow=${FLOWS.vendorOnboarding}`,
      undefined,
    );
    expect(flow.data).toMatchObject({ state: 'Started', workflow: { stateCode: 1 } });
    const ref = await http.call(
      'GET',
      `${emulator.info.control}/connectionReference?env=${PROD}&logicalName=${R.vendorSharePoint.logicalName}`,
      undefined,
    );
    expect(ref.data).toMatchObject({ connectionId: CONNECTIONS.prodLeeSharePoint });
    expect((await http.call('GET', `${emulator.info.control}/flow?env=${PROD}&flow=nope`, undefined)).status).toBe(404);
  });
});
