/**
 * The operation seam: a kind of approved operation is one module in one registry. A kind that exists only in this
 * test (labelFlowOperation.ts) is registered through compose() and nothing else, and goes the whole way as the
 * built-in kinds do, through the bot as Teams would drive it: request card, refusals, approval, job, a run that
 * needs attention, [Retry], audit entries and the final cards. One outcome is one message to each person told.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSession, type ChatTurn, type ChatUser } from '../../src/app/chatSession';
import type { AdaptiveCard } from '../../src/cards/renderCard';
import { compose, type Composition } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { builtInOperations, OperationRegistry } from '../../src/operations/registry';
import type { AuditEntry } from '../../src/store/ports';
import { LABEL_REQUEST_VERB, LABELS, labelFlowOperation, type LabelControl } from './labelFlowOperation';
import { chatUser, said } from '../support/chatUsers';

const MEGAN = chatUser('megan');
const ALEX = chatUser('alex');
const ISAIAH = chatUser('isaiah');
const LYNNE = chatUser('lynne');
const ADELE = chatUser('adele');

/** A card some other feature showed, with the kind's own button that starts a request. */
const startCard = (flowName: string): AdaptiveCard => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text: `${flowName} has no label yet.` }],
  actions: [
    { type: 'Action.Execute', title: 'Label it', verb: LABEL_REQUEST_VERB, data: { flowName, label: 'Finance' } },
  ],
});

/** The newest card a person has on screen (after in-place updates). */
function latestCard(session: ChatSession, user: ChatUser): AdaptiveCard | undefined {
  return session.exportCards()[user.id]?.at(-1)?.card;
}

const textsTo = (turn: ChatTurn, user: ChatUser): string[] =>
  turn.notifications.filter((n) => n.toUserId === user.id && n.text).map((n) => n.text);

let emulator: RunningEmulator;
let dataDir: string;
let composition: Composition;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'operation-seam-'));
});
afterAll(async () => {
  await composition?.close();
  await emulator.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a kind registered through compose alone goes from its request card to its final cards', async () => {
  const control: LabelControl = { failuresLeft: 1, withdrawn: new Set(), mayNotAsk: new Set([ADELE.id]), reopened: 0 };
  composition = await compose(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }), {
    emulator,
    operations: [labelFlowOperation(control)],
  });
  const session = new ChatSession(composition);
  for (const user of [MEGAN, ALEX, ISAIAH, LYNNE, ADELE]) await session.say(user, 'hi');
  session.importCards({
    [MEGAN.id]: [{ activityId: 'start-megan', card: startCard('Weekly report') }],
    [ADELE.id]: [{ activityId: 'start-adele', card: startCard('Weekly report') }],
  });

  // Who may ask is the module's call; a refusal is audited like any other.
  const refused = await session.click(ADELE, 'Label it');
  expect(said(refused.replies)).toMatch(/Only makers may label Weekly report/);

  // The request card: the module's title, facts and risk notes, and the approvers it names.
  const confirm = await session.click(MEGAN, 'Label it');
  const confirmText = said(confirm.replies);
  expect(confirmText).toMatch(/Confirm: Label a flow/);
  expect(confirmText).toMatch(/Everyone in the tenant will see the label "Finance" on Weekly report/);
  expect(confirmText).toMatch(/Alex Wilber, Isaiah Langer/);

  const sent = await session.click(MEGAN, 'Send request', { justification: 'for the finance team' });
  expect(sent.notifications.map((n) => n.toUserId).sort()).toEqual([ALEX.id, ISAIAH.id].sort());
  expect(said(sent.notifications)).toMatch(/Approval needed: Label a flow/);

  // The entitlement is the module's and is checked again at the click: Isaiah lost it after the request was sent.
  control.withdrawn.add(ISAIAH.id);
  const notCounted = await session.click(ISAIAH, 'Approve');
  expect(said(notCounted.replies)).toMatch(/not one of the approvers/);

  // Alex approves; the job runs the module, which reports a step and then needs attention.
  const approved = await session.click(ALEX, 'Approve', { comment: 'ok' });
  expect(said(approved.replies)).toMatch(/Approved by Alex Wilber — running…/);
  expect(control.progressSeen).toBe('Step 1 of 2: asking the label service');
  for (const user of [MEGAN, ALEX, ISAIAH]) {
    expect(said(latestCard(session, user))).toMatch(/Approved by Alex Wilber — needs attention/);
  }
  // One outcome, one message: the requester once, the admin who is not an approver once.
  expect(textsTo(approved, MEGAN)).toEqual([
    'Your request to label Weekly report "Finance": The label service refused the label; nothing was changed.',
  ]);
  expect(textsTo(approved, LYNNE)).toEqual([
    'Megan Bowen\'s request to label Weekly report "Finance": The label service refused the label; nothing was changed.',
  ]);
  // The kind's [Retry] is on the approvers' copies only, under the module's title.
  expect(said(latestCard(session, MEGAN))).not.toMatch(/Try the label again/);
  expect(said(latestCard(session, ALEX))).toMatch(/Try the label again/);

  const retried = await session.click(ALEX, 'Try the label again');
  expect(said(retried.replies)).toMatch(/running…/);
  expect(control.reopened).toBe(1);
  for (const user of [MEGAN, ALEX, ISAIAH]) {
    const card = said(latestCard(session, user));
    expect(card).toMatch(/Approved by Alex Wilber — done/);
    expect(card).toMatch(/Label retried by Alex Wilber/);
    expect(card).toMatch(/Labelled Weekly report "Finance"/);
    expect(card).not.toMatch(/Try the label again/);
  }
  expect(textsTo(retried, MEGAN)).toEqual([
    'Your request to label Weekly report "Finance": Labelled Weekly report "Finance".',
  ]);
  expect(textsTo(retried, LYNNE)).toEqual([]);

  // The run's effect, once.
  const labels = [];
  for await (const record of composition.ctx.store.records.list(LABELS)) labels.push(record.value);
  expect(labels).toEqual([{ flowName: 'Weekly report', label: 'Finance' }]);

  // The audit trail is filed under the module's subject.
  const audit: AuditEntry[] = [];
  for await (const entry of composition.ctx.store.audit.list({ subject: 'Weekly report' })) audit.push(entry);
  expect(audit.map((e) => [e.action, e.details?.reason ?? null])).toEqual([
    ['approval.refused', 'notAllowed'],
    ['approval.requested', null],
    ['approval.refused', 'notApprover'],
    ['approval.approved', null],
    ['approval.needsAttention', null],
    ['approval.retried', null],
    ['approval.done', null],
  ]);
}, 60_000);

test('a kind, a job type or a request verb is registered once', () => {
  const control: LabelControl = { failuresLeft: 0, withdrawn: new Set(), mayNotAsk: new Set(), reopened: 0 };
  const registry = builtInOperations().with(labelFlowOperation(control));
  expect(registry.all().map((k) => k.kind)).toEqual(['share', 'rotation', 'handover', 'repoint', 'label']);
  expect(registry.requestVerbs()).toEqual([
    'access.request',
    'rotation.request',
    'handover.request',
    'repoint.request',
    'repoint.undo',
    LABEL_REQUEST_VERB,
  ]);
  expect(registry.requestStart(LABEL_REQUEST_VERB)).toBeDefined();
  expect(registry.requestStart('approval.approve')).toBeUndefined();
  expect(() => registry.with(labelFlowOperation(control))).toThrow(/clashes/);
  expect(() => new OperationRegistry([]).of({ kind: 'label' })).toThrow(/No operation of kind "label"/);
});
