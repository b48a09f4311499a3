/**
 * Which secret each connection of an app holds, as the impact card shows it: unknown until a rotation by the bot
 * switches the connections; after Megan's rotation of D365-App-Registration (approved by Alex) the card names the
 * new secret on its Dataverse connection.
 */
import { ImpactService } from '../../../src/connections/impact/impactService';
import { secretsHeldByConnections } from '../../../src/operations/rotation/secretsHeld';
import { actionOf, as, startHarness, type Harness } from '../../approvals/harness';

let h: Harness;
afterEach(() => h.close());

const D365 = { subject: 'D365-App-Registration', subjectType: 'app' as const };

test('after a rotation the impact card names the secret the connection was switched to', async () => {
  h = await startHarness();
  const impact = new ImpactService(h.ctx, { secretsHeld: (id) => secretsHeldByConnections(h.ctx.store.records, id) });
  const before = JSON.stringify(await impact.impact(as('megan'), D365));
  expect(before).toMatch(/Holds: not known/);

  const confirm = (await h.service.requestRotation(as('megan'), { appQuery: 'D365-App-Registration' })).cards[0];
  const send = actionOf(confirm, 'Send request');
  const sent = await h.click(as('megan'), send.verb, send.data, { justification: 'expires in 10 days' });
  const approve = actionOf(sent!.notifications![0].reply.cards[0], 'Approve');
  await h.click(as('alex'), approve.verb, approve.data, {});
  await h.jobs.drain();

  const after = JSON.stringify(await impact.impact(as('megan'), D365));
  expect(after).toMatch(
    /Holds secret \*\*ConnectionOps rotation rot-[0-9a-f]+\*\* \(since the rotation of \d{4}-\d\d-\d\d, expires in \d+ days\)/,
  );
  expect(after).not.toMatch(/Holds: not known/);
});
