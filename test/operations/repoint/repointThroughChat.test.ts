/**
 * Re-pointing Vendor Management through the bot, as Teams would drive it (compose + the chat session): the
 * sentence gives the preview (a target the bot cannot use is refused with the reason); once the technical user has
 * shared their SharePoint connection with the bot (docs/deployment.md), Lynne asks, Alex approves, both references
 * are bound to the new connections, both flows are on and use them, the audit has each step and every copy of the
 * card shows the outcome; [Undo the re-point] puts the previous bindings back, as an approved request too.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSession, type ChatUser } from '../../../src/app/chatSession';
import type { AdaptiveCard } from '../../../src/cards/renderCard';
import { compose, type Composition } from '../../../src/compose';
import { loadConfig } from '../../../src/config';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { APPS, CONNECTIONS, ENVIRONMENTS, FLOWS } from '../../../src/emulator/fixture';
import type { AuditEntry } from '../../../src/store/ports';
import { techUserSharesSharePointWithBot } from '../../support/techUserShare';
import { chatUser, said } from '../../support/chatUsers';

const ALEX = chatUser('alex');
const LYNNE = chatUser('lynne');
const MEGAN = chatUser('megan');
const PROD = ENVIRONMENTS.prod.id;
const DV_REF = 'vm_VMDataverseConnectionRef';
const SP_REF = 'vm_VMSharePointConnectionRef';

function latestCard(session: ChatSession, user: ChatUser): AdaptiveCard | undefined {
  return session.exportCards()[user.id]?.at(-1)?.card;
}

let emulator: RunningEmulator;
let dataDir: string;
let composition: Composition;
let session: ChatSession;

async function auditOf(subject: string): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const entry of composition.ctx.store.audit.list({ subject })) out.push(entry);
  return out;
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'repoint-chat-'));
  composition = await compose(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }), {
    emulator,
  });
  session = new ChatSession(composition);
  for (const user of [ALEX, LYNNE, MEGAN]) await session.say(user, 'hi');
});
afterAll(async () => {
  await composition?.close();
  await emulator.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the preview refuses a target the bot cannot use, with the reason, and someone who is not entitled', async () => {
  const preview = await session.say(LYNNE, "point Vendor Management's references at the service principal connection");
  const text = said(preview.replies);
  expect(text).toMatch(/Re-point the connection references of Vendor Management/);
  expect(text).toMatch(/VM Dataverse Connection Ref/);
  expect(text).toMatch(/Dataverse \(Lee Gu\) → Dataverse \(/);
  expect(text).toMatch(/VM SharePoint Connection Ref \(not re-pointed\)/);
  expect(text).toMatch(/The bot cannot use SharePoint \(TechUser_Sharepoint_PRD\)/);
  // The documented reason (whoever turns a flow on must own or may use its connections), not an undocumented rule.
  expect(text).toMatch(/whoever turns a flow on must own or have permission to use its connections/);
  expect(text).not.toMatch(/Dataverse binds a reference only/);
  expect(text).toMatch(/Vendor onboarding/);

  // The same preview from the button on the solution's references card.
  const references = await session.say(LYNNE, 'connection references in Vendor Management');
  expect(said(references.replies)).toMatch(/Re-point references/);
  const fromCard = await session.click(LYNNE, 'Re-point references');
  expect(said(fromCard.replies)).toMatch(/Dataverse \(Lee Gu\) → Dataverse \(/);
  expect(said(fromCard.replies)).toMatch(/The bot cannot use SharePoint \(TechUser_Sharepoint_PRD\)/);

  const megan = await session.say(MEGAN, "point Vendor Management's references at the service principal connection");
  expect(said(megan.replies)).toMatch(/Only the owners of Vendor Management and admins/);
  expect(emulator.control.connectionReference(PROD, DV_REF)?.connectionId).toBe(CONNECTIONS.prodLeeDataverse);
}, 60_000);

test('re-point Vendor Management, approved by Alex, then undo it', async () => {
  await techUserSharesSharePointWithBot(emulator);
  // A button naming the service principal to use among several that fit (the card's own button proposes the first
  // by name and lists the others).
  session.importCards({
    [LYNNE.id]: [
      {
        activityId: 'refs-lynne',
        card: {
          type: 'AdaptiveCard',
          version: '1.5',
          body: [{ type: 'TextBlock', text: 'Vendor Management references' }],
          actions: [
            {
              type: 'Action.Execute',
              title: 'Re-point references',
              verb: 'repoint.request',
              data: { solutionName: 'Vendor Management', target: 'D365-App-Registration' },
            },
          ],
        },
      },
    ],
  });
  const confirm = await session.click(LYNNE, 'Re-point references');
  const preview = said(confirm.replies);
  expect(preview).toMatch(/Dataverse \(Lee Gu\) → Dataverse \(D365-App-Registration\)/);
  expect(preview).toMatch(/SharePoint \(Lee Gu\) → SharePoint \(TechUser_Sharepoint_PRD\)/);
  expect(preview).toMatch(/Flow Vendor onboarding.*on: will be turned off and on/);
  expect(preview).toMatch(/Flow Nightly export.*on: will be turned off and on/);
  expect(preview).toMatch(/Alex Wilber/);

  const sent = await session.click(LYNNE, 'Send request', { justification: 'Lee left' });
  expect(sent.notifications.map((n) => n.toUserId)).toContain(ALEX.id);
  // No self-approval: Lynne is an admin, but not an approver of her own request.
  expect(sent.notifications.map((n) => n.toUserId)).not.toContain(LYNNE.id);

  const approved = await session.click(ALEX, 'Approve', { comment: 'go' });
  expect(said(approved.replies)).toMatch(/running…/);

  expect(emulator.control.connectionReference(PROD, DV_REF)?.connectionId).toBe(CONNECTIONS.prodD365Dataverse);
  expect(emulator.control.connectionReference(PROD, SP_REF)?.connectionId).toBe(CONNECTIONS.prodTechSharePoint);
  const onboarding = emulator.control.flow(PROD, FLOWS.vendorOnboarding)!;
  expect(onboarding.state).toBe('Started');
  expect(onboarding.connections).toMatchObject({
    shared_commondataserviceforapps: CONNECTIONS.prodD365Dataverse,
    shared_sharepointonline: CONNECTIONS.prodTechSharePoint,
  });
  const nightly = emulator.control.flow(PROD, FLOWS.nightlyExport)!;
  expect(nightly.state).toBe('Started');
  expect(nightly.connections).toMatchObject({ shared_commondataserviceforapps: CONNECTIONS.prodD365Dataverse });

  for (const user of [LYNNE, ALEX]) {
    const card = said(latestCard(session, user));
    expect(card).toMatch(/Approved by Alex Wilber — done/);
    expect(card).toMatch(/Re-pointed: VM Dataverse Connection Ref → Dataverse \(D365-App-Registration\)/);
    expect(card).toMatch(/Vendor onboarding, Nightly export turned off and on, and verified/);
  }
  const steps = (await auditOf('Vendor Management')).map((e) => [e.action, e.outcome]);
  expect(steps).toEqual(
    expect.arrayContaining([
      ['approval.approved', 'success'],
      ['repoint.started', 'info'],
      ['repoint.reference.bound', 'success'],
      ['repoint.flow.restarted', 'success'],
      ['repoint.finished', 'success'],
    ]),
  );
  expect(steps.filter(([a]) => a === 'repoint.reference.bound')).toHaveLength(2);
  expect(steps.filter(([a]) => a === 'repoint.flow.restarted')).toHaveLength(2);

  // Undo: the bot must be able to use Lee's connections again (an admin shares them with its service principal).
  for (const [connector, name] of [
    ['shared_commondataserviceforapps', CONNECTIONS.prodLeeDataverse],
    ['shared_sharepointonline', CONNECTIONS.prodLeeSharePoint],
  ]) {
    await composition.ctx.tenant.connections.modifyPermissions(PROD, connector, name, {
      put: [{ principal: { id: APPS.bot.spId, type: 'ServicePrincipal' }, roleName: 'CanView' }],
    });
  }
  const undo = await session.click(LYNNE, 'Undo the re-point');
  const undoPreview = said(undo.replies);
  expect(undoPreview).toMatch(/Undo the re-point of Vendor Management/);
  expect(undoPreview).toMatch(/Dataverse \(D365-App-Registration\) → Dataverse \(Lee Gu\)/);
  await session.click(LYNNE, 'Send request', { justification: 'wrong target' });
  const undone = await session.click(ALEX, 'Approve');
  expect(said(undone.replies)).toMatch(/running…/);
  expect(emulator.control.connectionReference(PROD, DV_REF)?.connectionId).toBe(CONNECTIONS.prodLeeDataverse);
  expect(emulator.control.connectionReference(PROD, SP_REF)?.connectionId).toBe(CONNECTIONS.prodLeeSharePoint);
  expect(emulator.control.flow(PROD, FLOWS.vendorOnboarding)).toMatchObject({
    state: 'Started',
    connections: {
      shared_commondataserviceforapps: CONNECTIONS.prodLeeDataverse,
      shared_sharepointonline: CONNECTIONS.prodLeeSharePoint,
    },
  });
  expect(said(latestCard(session, ALEX))).toMatch(/Put back: VM Dataverse Connection Ref → Dataverse \(Lee Gu\)/);
}, 90_000);

test("a finding's [Re-point] (an unbound reference, a person's connection in production) opens the preview of its solution", async () => {
  const report = await session.say(ALEX, 'health report');
  const buttons = said(report.replies);
  expect(buttons).toMatch(/"title":"Re-point","verb":"repoint.request"/);
  const preview = await session.click(ALEX, 'Re-point');
  // Its unbound Approvals reference has nothing to move to: said, with what to do.
  expect(said(preview.replies)).toMatch(
    /None of the connection references of Invoice Approvals can be re-pointed\. .*no service principal or technical user connection of shared_approvals in Contoso PROD/,
  );
}, 60_000);
