/**
 * Corner (c) of the handover, as of the re-point (test/operations/repoint/repointLastDeliveryKilled.test.ts): four
 * deliveries fail in passing (every start answers 503, so a flow is left off), the fifth and last dies while it
 * records its give-up, and a restarted process, once the service answers again, picks the abandoned job up from the
 * poison list and finishes the handover once: both flows Lynne's and on, with the new connections.
 */
import { CONNECTIONS, ENVIRONMENTS, FLOWS, USERS } from '../../../src/emulator/fixture';
import { MAX_DELIVERIES } from '../../../src/store/ports';
import { cardClicker } from '../../support/cardClicks';
import { callerFor, startTestComposition, type TestComposition } from '../../support/testComposition';
import { techUserSharesSharePointWithBot } from '../../support/techUserShare';
import { waitFor } from '../../support/waitFor';
import { actionOf } from '../../approvals/cardInspection';
import { FAST_TENANT_PORTS } from '../../support/operationHarness';

const PROD = ENVIRONMENTS.prod.id;
/** Long enough that no heartbeat of the hung delivery fires during the test: only the test's clock moves time. */
const VISIBILITY_MS = 600_000;

let t: TestComposition;
/** Lets the hung delivery go (a test's dead process must end for the test to close). */
let killed: (() => void) | undefined;
afterEach(async () => {
  killed?.();
  await t.close();
});

test('a last delivery killed while restoring: a restarted process finishes the handover once', async () => {
  const hung = new Promise<void>((resolve) => {
    killed = resolve;
  });
  let hangs = 0;
  t = await startTestComposition({
    compose: {
      jobRunner: { visibilityTimeoutMs: VISIBILITY_MS },
      tenantPorts: FAST_TENANT_PORTS,
      handover: {
        hooks: {
          afterChange: async (step) => {
            if (step === 'giveUp' && hangs++ === 0) await hung;
          },
        },
      },
    },
  });
  await techUserSharesSharePointWithBot(t.emulator);
  const click = cardClicker({ ctx: t.ctx, approvals: t.composition.approvals });
  const alex = callerFor('alex', t.ctx.tenant.tenantId);
  const preview = await click(alex, 'handover.request', { userId: USERS.lee.id, toUserId: USERS.lynne.id });
  const send = actionOf(preview.reply.cards[0], 'Send request');
  const sent = await click(alex, send.verb, { ...send.data, justification: 'Lee left' });
  const toLynne = (sent.notifications ?? []).find((n) => n.toUserId === callerFor('lynne').userId);
  const approve = actionOf(toLynne!.reply.cards[0], 'Approve');
  const approvalId = approve.data.approvalId as string;

  t.emulator.control.setFaults('flow.adminStartFlow:error=1:503;flow.startFlow:error=1:503');
  await click(callerFor('lynne', t.ctx.tenant.tenantId), approve.verb, approve.data);
  for (let delivery = 1; delivery < MAX_DELIVERIES; delivery++) {
    await t.composition.jobs.drain();
    t.clock.advance(VISIBILITY_MS + 1);
  }
  const off = () =>
    [FLOWS.vendorOnboarding, FLOWS.nightlyExport].filter(
      (id) => t.emulator.control.flow(PROD, id)?.state !== 'Started',
    );
  expect(off()).toHaveLength(1);
  void t.composition.jobs.drain();
  await waitFor(() => hangs > 0, { timeoutMs: 30_000, what: 'the last delivery to reach its give-up' });
  expect(off()).toHaveLength(1);

  t.emulator.control.setFaults('');
  t.clock.advance(VISIBILITY_MS + 1);
  const restarted = await t.restart();
  await restarted.jobs.drain();

  const approval = (await restarted.ctx.store.records.get<{ state: string }>('approvals', approvalId))?.value;
  expect(approval?.state).toBe('done');
  expect(off()).toEqual([]);
  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    expect(t.emulator.control.flow(PROD, flowId)?.connections.shared_commondataserviceforapps).toBe(
      CONNECTIONS.prodD365Dataverse,
    );
  }
  const actions = (await t.audit()).map((e) => `${e.action}:${e.outcome}`);
  expect(actions.filter((a) => a === 'job.recovered:info')).toHaveLength(1);
  expect(actions.filter((a) => a === 'approval.done:success')).toHaveLength(1);
});
