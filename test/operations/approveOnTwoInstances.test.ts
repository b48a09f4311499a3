/**
 * Re-point and handover requests whose Approve is pressed at the same time on two bot instances (two compositions
 * on one Azure Storage — a real Azurite — and one demo tenant, as test/store/twoInstances.test.ts does for shares):
 * one decision, one execution, each tenant step audited once, and the tenant in the new state.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CardClicks } from '../../src/app/cardVerbs/cardClicks';
import { ChatSession, type ChatUser } from '../../src/app/chatSession';
import { compose, type Composition } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CONNECTIONS, ENVIRONMENTS, FLOWS, USERS } from '../../src/emulator/fixture';
import { SlidingWindowLimiter } from '../../src/notifications/delivery/slidingWindowLimiter';
import type { AuditEntry } from '../../src/store/ports';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { techUserSharesSharePointWithBot } from '../support/techUserShare';
import { chatUser } from '../support/chatUsers';

const ALEX = chatUser('alex');
const LYNNE = chatUser('lynne');
const PROD = ENVIRONMENTS.prod.id;
const PRESSES_PER_INSTANCE = 3;

let emulator: RunningEmulator;
let azurite: RunningAzurite;
const instances: Composition[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  [emulator, azurite] = await Promise.all([startEmulator({ port: 0 }), startAzurite()]);
  for (let i = 0; i < 2; i++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `approve-twice-${i}-`));
    dirs.push(dataDir);
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      STORAGE: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    });
    const unlimited = new SlidingWindowLimiter({ perKey: [], global: [] });
    instances.push(await compose(config, { emulator, notifications: { limiter: unlimited } }));
  }
}, 60_000);

afterAll(async () => {
  for (const instance of instances) await instance.close().catch(() => undefined);
  await emulator?.close();
  await azurite?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  emulator.control.reset();
  await techUserSharesSharePointWithBot(emulator);
});

interface CardAction {
  title: string;
  verb: string;
  data: Record<string, unknown>;
}

/** The approver's card among what sending the request queued. */
function approveAction(notifications: { toUserId: string; cards: unknown[] }[], approver: ChatUser): CardAction {
  const card = notifications.find((n) => n.toUserId === approver.id && n.cards.length)?.cards[0];
  const action = (card as { actions?: CardAction[] } | undefined)?.actions?.find((a) => a.title === 'Approve');
  if (!action) throw new Error(`no Approve button for ${approver.displayName}`);
  return action;
}

/** Approve pressed several times on each instance at once (duplicate deliveries, two clicks), then all jobs run. */
async function pressEverywhere(action: CardAction, approver: ChatUser): Promise<void> {
  const presses = instances.flatMap((instance) =>
    Array.from({ length: PRESSES_PER_INSTANCE }, () =>
      new CardClicks(instance.services).click(
        { userId: approver.id, tenantId: instance.ctx.tenant.tenantId, displayName: approver.displayName },
        action.verb,
        action.data,
      ),
    ),
  );
  await Promise.all(presses);
  await Promise.all(instances.map((i) => i.services.background.drain()));
}

async function auditOf(approvalId: string): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const entry of instances[0].ctx.store.audit.list()) {
    if (entry.correlationId === approvalId) out.push(entry);
  }
  return out;
}

/** The step list the request's cards show last (kept on the final card). */
async function finalSteps(approvalId: string): Promise<string[]> {
  const stored = await instances[0].ctx.store.records.get<{
    state: string;
    steps?: { title: string; state: string }[];
  }>('approvals', approvalId);
  expect(stored?.value.state).toBe('done');
  return (stored?.value.steps ?? []).map((s) => `${s.state} ${s.title}`);
}

const count = (entries: AuditEntry[], action: string, outcome = 'success'): number =>
  entries.filter((e) => e.action === action && e.outcome === outcome).length;

function expectNewState(): void {
  expect(emulator.control.connectionReference(PROD, 'vm_VMDataverseConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodD365Dataverse,
  );
  expect(emulator.control.connectionReference(PROD, 'vm_VMSharePointConnectionRef')?.connectionId).toBe(
    CONNECTIONS.prodTechSharePoint,
  );
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    const flow = emulator.control.flow(PROD, flowId)!;
    expect(flow.state).toBe('Started');
    expect(flow.connections.shared_commondataserviceforapps).toBe(CONNECTIONS.prodD365Dataverse);
  }
}

test('a re-point approved on two instances at once runs once', async () => {
  const session = new ChatSession(instances[0]);
  for (const user of [ALEX, LYNNE]) await session.say(user, 'hi');
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
  await session.click(LYNNE, 'Re-point references');
  const sent = await session.click(LYNNE, 'Send request', { justification: 'Lee left' });
  const approve = approveAction(sent.notifications, ALEX);
  await pressEverywhere(approve, ALEX);

  const audit = await auditOf(approve.data.approvalId as string);
  expect(count(audit, 'approval.approved')).toBe(1);
  expect(count(audit, 'approval.done')).toBe(1);
  expect(count(audit, 'repoint.started', 'info')).toBe(1);
  expect(count(audit, 'repoint.reference.bound')).toBe(2);
  expect(count(audit, 'repoint.flow.restarted')).toBe(2);
  expect(count(audit, 'repoint.finished')).toBe(1);
  expectNewState();
  expect(await finalSteps(approve.data.approvalId as string)).toEqual([
    'done Note which flows are on',
    'done Bind VM Dataverse Connection Ref to Dataverse (D365-App-Registration)',
    'done Bind VM SharePoint Connection Ref to SharePoint (TechUser_Sharepoint_PRD)',
    'done Turn Vendor onboarding off and on',
    'done Turn Nightly export off and on',
  ]);
}, 120_000);

test('a handover approved on two instances at once runs once', async () => {
  const session = new ChatSession(instances[1]);
  for (const user of [ALEX, LYNNE]) await session.say(user, 'hi');
  await session.say(ALEX, "hand over Lee Gu's flows to Lynne");
  const sent = await session.click(ALEX, 'Send request', { justification: 'Lee left' });
  const approve = approveAction(sent.notifications, LYNNE);
  await pressEverywhere(approve, LYNNE);

  const audit = await auditOf(approve.data.approvalId as string);
  expect(count(audit, 'approval.approved')).toBe(1);
  expect(count(audit, 'approval.done')).toBe(1);
  expect(count(audit, 'handover.ownerChanged')).toBe(2);
  expect(count(audit, 'handover.referenceBound')).toBe(2);
  expect(count(audit, 'handover.flowRestarted')).toBe(2);
  expect(count(audit, 'handover.appOwnerChanged')).toBe(1);
  expectNewState();
  const steps = await finalSteps(approve.data.approvalId as string);
  expect(steps).toEqual([
    'done Make Lynne Robbins owner of Vendor onboarding',
    'done Make Lynne Robbins owner of Nightly export',
    'done Make Lynne Robbins owner of the app Vendor portal',
    expect.stringMatching(/^done Bind "VM (Dataverse|SharePoint) Connection Ref" to /),
    expect.stringMatching(/^done Bind "VM (Dataverse|SharePoint) Connection Ref" to /),
    'done Turn Vendor onboarding off and on',
    'done Turn Nightly export off and on',
  ]);
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    const owners = await instances[0].ctx.tenant.flows.listFlowOwners(PROD, flowId);
    expect(owners.map((o) => o.principal.id)).toEqual([USERS.lynne.id]);
  }
}, 120_000);
