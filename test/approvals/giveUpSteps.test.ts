/**
 * A job the queue gives up on (its last delivery failed too, and the kind returned no outcome of its own): the
 * final card says it failed, and its step list no longer says a step runs or waits for a next try that will not
 * come. The kind exists only in this test; the runner is told its first delivery is the last.
 */
import type { OperationKind, OperationPayload } from '../../src/operations/operationKind';
import { TenantApiError } from '../../src/tenant/errors';
import { cardClicker } from '../support/cardClicks';
import { callerFor, startTestComposition, USERS, type TestComposition } from '../support/testComposition';
import { actionOf, cardText } from './cardInspection';

interface FailingOperation extends OperationPayload {
  kind: 'giveUpTest';
}

const VERB = 'giveUpTest.request';

const failingKind: OperationKind<FailingOperation> = {
  kind: 'giveUpTest',
  job: 'giveUpTest.run',
  requests: { [VERB]: { draft: async () => ({ operation: { kind: 'giveUpTest' }, riskNotes: [] }) } },
  subject: () => 'give-up test',
  describeShort: () => 'run the give-up test',
  describe: () => ({ title: 'Give-up test', summary: 'run the give-up test', facts: [] }),
  approvers: async (ctx) => ({ approverIds: await ctx.access.approverIds(), requiredApprovals: 1 }),
  mayApprove: (ctx, caller) => ctx.access.isApprover(caller),
  async run(_ctx, _approval, controls) {
    await controls.steps([
      { title: 'Write the label', state: 'done' },
      { title: 'Check the label', state: 'waiting', waitingFor: 'the label service to answer again' },
      { title: 'Tell the owner', state: 'pending' },
    ]);
    throw new TenantApiError({ message: 'down', code: 'ServiceUnavailable', kind: 'unavailable', api: 'graph' });
  },
};

let t: TestComposition;
afterEach(() => t.close());

test('the final card of a job given up shows no step still running or waiting', async () => {
  t = await startTestComposition({
    env: { PROGRESS_CARD_SECONDS: '0' },
    compose: { jobRunner: { maxAttempts: 1 }, operations: [failingKind] },
  });
  const click = cardClicker({ ctx: t.ctx, approvals: t.composition.approvals });
  const megan = callerFor('megan', t.ctx.tenant.tenantId);
  const confirm = await click(megan, VERB, {});
  const send = actionOf(confirm.reply.cards[0], 'Send request');
  const sent = await click(megan, send.verb, { ...send.data, justification: 'test' });
  await t.notifier.send(sent.notifications ?? []);
  const approve = actionOf(
    (sent.notifications ?? []).find((n) => n.toUserId === USERS.alex.id)?.reply.cards[0],
    'Approve',
  );
  const approved = await click(callerFor('alex', t.ctx.tenant.tenantId), approve.verb, approve.data);
  await t.notifier.send(approved.notifications ?? []);
  await t.composition.jobs.drain();

  const card = cardText(t.notifier.latestCard(USERS.megan.id, sent.replyCardKey as string));
  expect(card).toMatch(/It failed 1 times \(ServiceUnavailable\)/);
  const lines = [...card.matchAll(/"text":"([✓▶⏳○✗][^"]*)"/g)].map((m) => m[1]);
  expect(lines).toEqual(['✓ Write the label', '✗ Check the label — not finished: the job gave up', '○ Tell the owner']);
});
