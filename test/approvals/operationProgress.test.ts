/**
 * A running request's step list on its cards (RunControls.steps): recorded on the request at every report, sent
 * to every copy of the card at most once per PROGRESS_CARD_SECONDS (counted on the injected clock), and kept on
 * the final card. The kind here exists only in this test: it reports four lists while the test's clock moves on,
 * as a slow run would, without waiting for any real time. A rotation on the demo tenant reports its own steps.
 */
import type { Notification } from '../../src/cards/reply';
import type { OperationKind, OperationPayload, OperationStep } from '../../src/operations/operationKind';
import { adaptiveCardProblems } from '../cards/adaptiveCardProblems';
import { actionOf, as, cardText, startHarness, USERS, type Harness } from './harness';

interface WaitOperation extends OperationPayload {
  kind: 'waitTest';
}

const VERB = 'waitTest.request';

let h: Harness;
afterEach(() => h.close());

/** What the stored request held after each report (the record is what a takeover and the final card start from). */
const recorded: (OperationStep[] | undefined)[] = [];

function waitingKind(advance: (ms: number) => void): OperationKind<WaitOperation> {
  const list = (a: OperationStep['state'], b: OperationStep['state'], c?: OperationStep): OperationStep[] => [
    { title: 'Ask the label service', state: a },
    { title: 'Write the label', state: b },
    c ?? { title: 'Check the label is visible', state: 'pending' },
  ];
  return {
    kind: 'waitTest',
    job: 'waitTest.run',
    requests: { [VERB]: { draft: async () => ({ operation: { kind: 'waitTest' }, riskNotes: [] }) } },
    subject: () => 'wait test',
    describeShort: () => 'run the wait test',
    describe: () => ({ title: 'Wait test', summary: 'run the wait test', facts: [] }),
    approvers: async (ctx) => ({ approverIds: await ctx.access.approverIds(), requiredApprovals: 1 }),
    mayApprove: (ctx, caller) => ctx.access.isApprover(caller),
    async run(ctx, approval, controls) {
      const report = async (steps: OperationStep[]) => {
        await controls.steps(steps);
        recorded.push(
          (await ctx.store.records.get<{ steps?: OperationStep[] }>('approvals', approval.id))?.value.steps,
        );
      };
      // The job's "running…" update has just gone out: the first list is sent 15 s after it, not before.
      await report(list('running', 'pending'));
      advance(16_000);
      await report(list('done', 'running'));
      advance(5_000);
      const since = ctx.clock.now().toISOString();
      const waiting: OperationStep = {
        title: 'Check the label is visible',
        state: 'waiting',
        waitingFor: 'the label service to show the label',
        since,
        usually: 'usually under 2 min',
      };
      await report(list('done', 'done', waiting));
      advance(10_000);
      await report(list('done', 'done', waiting));
      return { state: 'done', result: 'Labelled.' };
    },
  };
}

/**
 * The step lines of every version of `userId`'s copy of the card, in the order they were queued. The same card
 * queued twice in a row counts once (the clicker's copy is sent again 15 s after the click: lateInvokeResponses.ts).
 */
function stepVersions(sent: Notification[], userId: string, cardKey: string): string[][] {
  return sent
    .filter((n) => n.toUserId === userId && n.cardKey === cardKey)
    .map((n) => cardText(n.reply.cards[0]))
    .filter((text, i, all) => i === 0 || text !== all[i - 1])
    .map((text) => [...text.matchAll(/"text":"([✓▶⏳○✗][^"]*)"/g)].map((m) => m[1]));
}

test('steps are recorded at every report but each card copy gets them at most once per 15 s (counting "running…"), and the final card keeps them', async () => {
  recorded.length = 0;
  // The run starts only after the harness is up: h is set by then.
  h = await startHarness({}, [waitingKind((ms) => h.clock.advance(ms))]);
  const confirm = await h.click(as('megan'), VERB, {});
  const send = actionOf(confirm.reply.cards[0], 'Send request');
  const sent = await h.click(as('megan'), send.verb, send.data, { justification: 'test' });
  const key = sent.replyCardKey as string;
  const approve = actionOf(sent.notifications.find((n) => n.toUserId === USERS.alex.id)?.reply.cards[0], 'Approve');
  const before = h.notifier.sent.length;
  await h.click(as('alex'), approve.verb, approve.data, {});
  await h.jobs.drain();

  // Every report is on the record at once, whether or not the cards were updated for it.
  expect(recorded.map((steps) => steps?.map((s) => s.state).join(','))).toEqual([
    'running,pending,pending',
    'done,running,pending',
    'done,done,waiting',
    'done,done,waiting',
  ]);
  const after = h.notifier.sent.slice(before);
  for (const person of ['megan', 'alex', 'isaiah'] as const) {
    const versions = stepVersions(after, USERS[person].id, key).filter((lines) => lines.length > 0);
    // Sent at 16 s (15 s after "running…") and at 31 s (15 s after that); the reports at 0 s and 21 s were not.
    expect(versions).toEqual([
      ['✓ Ask the label service', '▶ Write the label', '○ Check the label is visible'],
      [
        '✓ Ask the label service',
        '✓ Write the label',
        '⏳ Waiting for the label service to show the label — 10 s so far, usually under 2 min',
      ],
      // The final card: done, with the last list as it was reported.
      [
        '✓ Ask the label service',
        '✓ Write the label',
        '⏳ Waiting for the label service to show the label — 10 s so far, usually under 2 min',
      ],
    ]);
    expect(cardText(h.notifier.latestCard(USERS[person].id, key))).toMatch(/Approved by Alex Wilber — done/);
  }
  // The card with its step list is a valid Adaptive Card as Teams parses it.
  for (const n of after.filter((n) => n.cardKey === key)) expect(adaptiveCardProblems(n.reply.cards[0])).toEqual([]);
});

test('a rotation on the demo tenant shows its steps growing on every copy of the card, ending done', async () => {
  h = await startHarness({ PROGRESS_CARD_SECONDS: '0' });
  const confirm = (await h.service.requestRotation(as('megan'), { appQuery: 'D365-App-Registration' })).cards[0];
  const send = actionOf(confirm, 'Send request');
  const sent = await h.click(as('megan'), send.verb, send.data, { justification: 'steps' });
  const key = sent.replyCardKey as string;
  const approve = actionOf(sent.notifications.find((n) => n.toUserId === USERS.alex.id)?.reply.cards[0], 'Approve');
  const before = h.notifier.sent.length;
  await h.click(as('alex'), approve.verb, approve.data, {});
  await h.jobs.drain();

  for (const person of ['megan', 'isaiah'] as const) {
    const versions = stepVersions(h.notifier.sent.slice(before), USERS[person].id, key).filter((l) => l.length);
    const doneCounts = versions.map((lines) => lines.filter((l) => l.startsWith('✓')).length);
    // Each step's end is a new version, and no version goes back: 0, 1, 2, 3, 4 steps done.
    expect(new Set(doneCounts).size).toBeGreaterThanOrEqual(5);
    expect([...doneCounts].sort((a, b) => a - b)).toEqual(doneCounts);
    expect(versions[0]).toEqual([
      '▶ Create a new client secret',
      '○ Store it in Key Vault',
      '○ Check that Microsoft Entra accepts it',
      '○ Switch the connections to the new secret',
      '○ Remove the old secret',
    ]);
    expect(
      versions.some((lines) => lines.includes('▶ Switch the connections to the new secret — 0 of 1 connection')),
    ).toBe(true);
    expect(versions.at(-1)).toEqual([
      '✓ Create a new client secret',
      '✓ Store it in Key Vault',
      '✓ Check that Microsoft Entra accepts it',
      '✓ Switch the connections to the new secret',
      '✓ Remove the old secret',
    ]);
    expect(cardText(h.notifier.latestCard(USERS[person].id, key))).toMatch(/Approved by Alex Wilber — done/);
  }
});
