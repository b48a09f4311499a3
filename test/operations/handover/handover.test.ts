/**
 * Handing a leaver's flows over, through the bot as Teams drives it (compose + ChatSession, the demo tenant, SQLite):
 * "hand over Lee Gu's flows to Lynne" → the plan card → approval → the job → Lynne owns both Vendor Management
 * flows (solution flows: owner changed in Dataverse) and Lee's canvas app Vendor portal (Lee keeps Can view), both
 * references are bound to the service-principal and
 * technical-user connections, both flows are on with them, the disabled-owner findings are gone from the next
 * health report, and the outcome says plainly what was not automated. Also: who may ask, the manager as a second
 * approver, and a target the bot may not use.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSession, type ChatTurn, type ChatUser } from '../../../src/app/chatSession';
import type { AdaptiveCard } from '../../../src/cards/renderCard';
import { compose, type ComposeOptions, type Composition } from '../../../src/compose';
import { loadConfig } from '../../../src/config';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { CANVAS_APPS, CONNECTIONS, ENVIRONMENTS, FLOWS, USERS, WORKFLOWS } from '../../../src/emulator/fixture';
import type { AuditEntry } from '../../../src/store/ports';
import { techUserSharesSharePointWithBot } from '../../support/techUserShare';
import { chatUser, said } from '../../support/chatUsers';

const ALEX = chatUser('alex');
const LYNNE = chatUser('lynne');
const MEGAN = chatUser('megan');
const ISAIAH = chatUser('isaiah');

const latestCard = (session: ChatSession, user: ChatUser): AdaptiveCard | undefined =>
  session.exportCards()[user.id]?.at(-1)?.card;
const textsTo = (turn: ChatTurn, user: ChatUser): string[] =>
  turn.notifications.filter((n) => n.toUserId === user.id && n.text).map((n) => n.text);

let emulator: RunningEmulator;
let dataDir: string;
let composition: Composition | undefined;
const PROD = ENVIRONMENTS.prod.id;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.control.reset();
  emulator.control.setFaults('');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'handover-'));
});
afterEach(async () => {
  await composition?.close();
  composition = undefined;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}, options: ComposeOptions = {}): Promise<ChatSession> {
  composition = await compose(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env }), {
    emulator,
    ...options,
  });
  const session = new ChatSession(composition);
  for (const user of [ALEX, LYNNE, MEGAN, ISAIAH]) await session.say(user, 'hi');
  return session;
}

async function lynneSystemUser(): Promise<string> {
  const tenant = composition!.ctx.tenant;
  const prod = (await tenant.connections.listEnvironments()).find((e) => e.id === PROD)!;
  return (await tenant.dataverse.findSystemUser(prod, USERS.lynne.id))!.id;
}

test('handover Lee Gu → Lynne: owners, references and flows moved, findings gone, the rest said plainly', async () => {
  await techUserSharesSharePointWithBot(emulator);
  const session = await start();

  const before = said((await session.say(ALEX, 'health report')).replies);
  expect(before).toMatch(/Dataverse \(Lee Gu\)/);

  // The plan card.
  const confirm = await session.say(ALEX, "hand over Lee Gu's flows to Lynne");
  const plan = said(confirm.replies);
  expect(plan).toMatch(/Confirm: Hand over a leaver's flows/);
  expect(plan).toMatch(/Vendor onboarding \(Contoso PROD\)/);
  expect(plan).toMatch(/Nightly export \(Contoso PROD\)/);
  expect(plan).toMatch(/Lynne Robbins becomes its owner \(solution flow: changed in Dataverse\)/);
  // The canvas app Lee owns changes owner too; Megan's Account lookup (it only uses a reference) does not.
  expect(plan).toMatch(
    /Vendor portal \(canvas app, Contoso PROD\)","value":"Lynne Robbins becomes its owner; Lee Gu keeps Can view\. Its users keep signing in with their own connections\./,
  );
  expect(plan).not.toMatch(/Account lookup/);
  expect(plan).toMatch(/"VM Dataverse Connection Ref"/);
  expect(plan).toMatch(/Dataverse \(Lee Gu\) → [^"]+ \(a service principal\)/);
  expect(plan).toMatch(/SharePoint \(Lee Gu\) → [^"]+ \(the technical user TechUser_Sharepoint_PRD\)/);
  expect(plan).toMatch(/Not automated/);
  expect(plan).toMatch(/an OAuth connection cannot be shared with a person/);
  expect(plan).not.toMatch(/must first share/);

  const sent = await session.click(ALEX, 'Send request', { justification: 'Lee left in November' });
  // Approvers: the Power Platform admins but the requester.
  expect(sent.notifications.filter((n) => /Approval needed/.test(said(n))).map((n) => n.toUserId)).toEqual([LYNNE.id]);
  // The approver's card lists the app that will change owner.
  const approverCard = said(sent.notifications.find((n) => n.toUserId === LYNNE.id));
  expect(approverCard).toMatch(/Vendor portal \(canvas app, Contoso PROD\)/);
  expect(approverCard).toMatch(/hand over Lee Gu's flows \(2\) and canvas apps \(1\), and re-point 2/);

  const approved = await session.click(LYNNE, 'Approve');
  for (const user of [ALEX, LYNNE]) {
    expect(said(latestCard(session, user))).toMatch(/Approved by Lynne Robbins — done/);
  }
  const result = textsTo(approved, ALEX).join('\n');
  expect(result).toMatch(/Handed over to Lynne Robbins: Vendor onboarding, Nightly export\./);
  expect(result).toMatch(/Canvas apps now owned by Lynne Robbins: Vendor portal \(Lee Gu keeps Can view\)\./);
  expect(result).toMatch(/Not automatable: .*Lee Gu's own connections/);
  // Not every connection signs in as its creator (a service principal's signs in as the app).
  expect(result).not.toMatch(/a connection signs in as whoever created it/);
  expect(result).toMatch(/a person's own sign-in signs in as them/);
  expect(result).not.toMatch(/Still to do/);

  // The tenant: Lynne owns both flows (in Dataverse and on the Flow API), references re-pointed, flows on with them.
  const lynneId = await lynneSystemUser();
  for (const [flowId, workflowId] of [
    [FLOWS.vendorOnboarding, WORKFLOWS.vendorOnboarding],
    [FLOWS.nightlyExport, WORKFLOWS.nightlyExport],
  ]) {
    const prod = (await composition!.ctx.tenant.connections.listEnvironments()).find((e) => e.id === PROD)!;
    expect((await composition!.ctx.tenant.dataverse.getSolutionFlow(prod, workflowId))?.ownerId).toBe(lynneId);
    const owners = await composition!.ctx.tenant.flows.listFlowOwners(PROD, flowId);
    expect(owners.map((o) => o.principal.id)).toEqual([USERS.lynne.id]);
    const read = await composition!.ctx.tenant.flows.getFlow(PROD, flowId);
    expect(read.state).toBe('Started');
    expect(read.connectionReferences.map((r) => r.connectionName)).not.toContain(CONNECTIONS.prodLeeDataverse);
    expect(read.connectionReferences.map((r) => r.connectionName)).not.toContain(CONNECTIONS.prodLeeSharePoint);
  }
  expect(emulator.control.connectionReference(PROD, 'vm_VMDataverseConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodD365Dataverse,
  );
  expect(emulator.control.connectionReference(PROD, 'vm_VMSharePointConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodTechSharePoint,
  );
  expect(emulator.control.canvasApp(PROD, CANVAS_APPS.vendorPortal.id)).toEqual({
    ownerId: USERS.lynne.id,
    permissions: [{ principalId: USERS.lee.id, roleName: 'CanView' }],
  });
  expect(emulator.control.canvasApp(PROD, CANVAS_APPS.accountLookup.id)?.ownerId).toBe(USERS.megan.id);

  // The next health report no longer lists Lee Gu's connections: nothing depends on them.
  const after = said((await session.say(ALEX, 'health report')).replies);
  expect(after).not.toMatch(/Dataverse \(Lee Gu\)/);
  expect(after).not.toMatch(/SharePoint \(Lee Gu\)/);

  // Audited, each step once.
  const audit: AuditEntry[] = [];
  for await (const entry of composition!.ctx.store.audit.list({})) audit.push(entry);
  const steps = audit.filter((e) => e.action.startsWith('handover.')).map((e) => `${e.action} ${e.subject}`);
  expect(steps.sort()).toEqual(
    [
      'handover.ownerChanged Vendor onboarding',
      'handover.ownerChanged Nightly export',
      'handover.appOwnerChanged Vendor portal',
      'handover.referenceBound VM Dataverse Connection Ref',
      'handover.referenceBound VM SharePoint Connection Ref',
      'handover.flowRestarted Vendor onboarding',
      'handover.flowRestarted Nightly export',
    ].sort(),
  );
  expect(audit.filter((e) => e.action === 'approval.done')).toHaveLength(1);

  // Asked again, there is nothing left to hand over.
  const again = said((await session.say(ALEX, "hand over Lee Gu's flows to Lynne")).replies);
  expect(again).toMatch(/nothing to hand over/);
}, 120_000);

test('only admins may ask; a target the bot may not use is said in the plan and reported per flow', async () => {
  const session = await start();
  const refused = said((await session.say(MEGAN, "hand over Lee Gu's flows to Lynne")).replies);
  expect(refused).toMatch(/Only Power Platform admins can hand over/);

  const plan = said((await session.say(ALEX, "hand over Lee Gu's flows to Lynne")).replies);
  expect(plan).toMatch(/TechUser_Sharepoint_PRD must first share/);
  expect(plan).toMatch(/whoever turns a flow on must own or have permission to use its connections/);
  await session.click(ALEX, 'Send request', { justification: 'Lee left' });
  const approved = await session.click(LYNNE, 'Approve');
  expect(said(latestCard(session, ALEX))).toMatch(/needs attention/);
  const result = textsTo(approved, ALEX).join('\n');
  expect(result).toMatch(
    /Vendor onboarding: "VM SharePoint Connection Ref" was not re-pointed \(the bot may not use SharePoint \(TechUser_Sharepoint_PRD\): its owner must share it with the bot's service principal/,
  );
  expect(result).toMatch(/Handed over to Lynne Robbins: Nightly export\./);
  // The Dataverse reference moved; the SharePoint one stayed as it was, and both flows are on.
  expect(emulator.control.connectionReference(PROD, 'vm_VMDataverseConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodD365Dataverse,
  );
  expect(emulator.control.connectionReference(PROD, 'vm_VMSharePointConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodLeeSharePoint,
  );
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    expect((await composition!.ctx.tenant.flows.getFlow(PROD, flowId)).state).toBe('Started');
  }
}, 120_000);

test("with HANDOVER_REQUIRES_MANAGER=true the leaver's manager approves too, and a second admin cannot stand in", async () => {
  await techUserSharesSharePointWithBot(emulator);
  emulator.control.setManager(USERS.lee.id, USERS.isaiah.id);
  const session = await start({ HANDOVER_REQUIRES_MANAGER: 'true' });
  const plan = said((await session.say(ALEX, "hand over Lee Gu's flows to Lynne")).replies);
  expect(plan).toMatch(/Isaiah Langer, Lee Gu's manager, must approve too/);
  const sent = await session.click(ALEX, 'Send request', { justification: 'Lee left' });
  expect(
    sent.notifications
      .filter((n) => /Approval needed/.test(said(n)))
      .map((n) => n.toUserId)
      .sort(),
  ).toEqual([LYNNE.id, ISAIAH.id].sort());

  await session.click(LYNNE, 'Approve');
  expect(emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.workflow?.ownerId).not.toBe(await lynneSystemUser());
  await session.click(ISAIAH, 'Approve');
  expect(said(latestCard(session, ALEX))).toMatch(/done/);
  expect(emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.workflow?.ownerId).toBe(await lynneSystemUser());
}, 120_000);

test("[Hand over] on the health report's disabled-owner finding proposes the leaver's manager, or asks who", async () => {
  const session = await start();
  await session.say(ALEX, 'health report');
  const noManager = said((await session.click(ALEX, 'Hand over')).replies);
  expect(noManager).toMatch(/Who should take over Lee Gu's flows\? The directory records no manager/);

  emulator.control.setManager(USERS.lee.id, USERS.lynne.id);
  await session.say(ALEX, 'health report');
  const plan = said((await session.click(ALEX, 'Hand over')).replies);
  expect(plan).toMatch(/Confirm: Hand over a leaver's flows/);
  expect(plan).toMatch(/to Lynne Robbins/);
  expect(plan).toMatch(/Vendor onboarding \(Contoso PROD\)/);
}, 120_000);

test('a job that dies in the middle (after the first bind) is delivered again and finishes once', async () => {
  await techUserSharesSharePointWithBot(emulator);
  let kills = 0;
  const session = await start(
    {},
    {
      jobRunner: { visibilityTimeoutMs: 300 },
      handover: {
        hooks: {
          afterChange: (step) => {
            if (step.startsWith('bind:') && kills === 0) {
              kills++;
              throw new Error('process killed');
            }
          },
        },
      },
    },
  );
  await session.say(ALEX, "hand over Lee Gu's flows to Lynne");
  await session.click(ALEX, 'Send request', { justification: 'Lee left' });
  await session.click(LYNNE, 'Approve');
  // Wait for the redelivery: the job is visible again after its visibility timeout.
  const state = async () => {
    for await (const record of composition!.ctx.store.records.list<{ state: string }>('approvals')) {
      return record.value.state;
    }
    return undefined;
  };
  for (let i = 0; i < 40 && (await state()) !== 'done'; i++) {
    await composition!.services.background.drain();
    if ((await state()) !== 'done') await new Promise((resolve) => setTimeout(resolve, 350));
  }
  expect(kills).toBe(1);
  expect(await state()).toBe('done');
  expect(emulator.control.connectionReference(PROD, 'vm_VMSharePointConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodTechSharePoint,
  );
  const audit: AuditEntry[] = [];
  for await (const entry of composition!.ctx.store.audit.list({})) audit.push(entry);
  const count = (action: string) => audit.filter((e) => e.action === action).length;
  expect([
    count('handover.ownerChanged'),
    count('handover.appOwnerChanged'),
    count('handover.referenceBound'),
    count('handover.flowRestarted'),
  ]).toEqual([2, 1, 2, 2]);
  expect(count('approval.done')).toBe(1);
}, 120_000);
