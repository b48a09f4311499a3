/**
 * A re-point that leaves a flow off, through the cards as people see them: every start is refused, so the job ends
 * "needs attention" with Vendor onboarding OFF and Nightly export left on, each said on the approver's card with its
 * step and the manual step, and [Retry the re-point] on it. Once the service starts flows again, Alex presses it:
 * the same job finishes the re-point, and every copy of the card says done.
 */
import { ENVIRONMENTS, FLOWS } from '../../../src/emulator/fixture';
import type { TestComposition } from '../../support/testComposition';
import { actionOf, cardText } from '../../approvals/cardInspection';
import {
  actionsOf,
  REPOINT_VENDOR_MANAGEMENT,
  sendRequest,
  startOperationComposition,
} from '../../support/operationHarness';

const PROD = ENVIRONMENTS.prod.id;

let t: TestComposition;
afterEach(() => t.close());

test('a flow left off is on the card with its manual step, and [Retry the re-point] finishes it', async () => {
  t = await startOperationComposition();
  const {
    click,
    requester: lynne,
    approver: alex,
    cardKey: key,
    approve,
  } = await sendRequest(t, REPOINT_VENDOR_MANAGEMENT, { deliver: true });

  t.emulator.control.setFaults('flow.adminStartFlow:forbid;flow.startFlow:forbid');
  await approve();
  await t.composition.jobs.drain();

  expect(t.emulator.control.flow(PROD, FLOWS.vendorOnboarding)?.state).toBe('Stopped');
  expect(t.emulator.control.flow(PROD, FLOWS.nightlyExport)?.state).toBe('Started');
  const alexCard = t.notifier.latestCard(alex.userId, key);
  const text = cardText(alexCard);
  expect(text).toMatch(/needs attention/i);
  expect(text).toMatch(/Vendor onboarding is OFF: .*press \[Retry the re-point\]/);
  expect(text).toMatch(/Turn Vendor onboarding off and on — it is OFF/);
  expect(text).toMatch(/Turn Nightly export off and on — still on, with the connections it started with/);
  // The requester's copy says the same.
  expect(cardText(t.notifier.latestCard(lynne.userId, key))).toMatch(/Vendor onboarding is OFF/);

  t.emulator.control.setFaults('');
  const retry = actionOf(alexCard, 'Retry the re-point');
  const retried = await click(alex, retry.verb, retry.data);
  await t.notifier.send(retried.notifications ?? []);
  await t.composition.jobs.drain();

  for (const flowId of [FLOWS.vendorOnboarding, FLOWS.nightlyExport]) {
    expect(t.emulator.control.flow(PROD, flowId)?.state).toBe('Started');
  }
  const after = cardText(t.notifier.latestCard(lynne.userId, key));
  expect(after).not.toMatch(/is OFF/);
  expect(after).toMatch(/Vendor onboarding, Nightly export turned off and on, and verified on the new connections/);
  const actions = actionsOf(await t.audit());
  expect(actions).toEqual(
    expect.arrayContaining(['approval.needsAttention:failure', 'approval.retried:success', 'repoint.reopened:info']),
  );
  expect(actions.filter((a) => a === 'repoint.finished:success')).toHaveLength(1);
});
