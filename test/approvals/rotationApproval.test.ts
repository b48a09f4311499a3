/**
 * The rotation path on the demo tenant: Megan (an owner of D365-App-Registration) asks for a rotation, the
 * approvers group (Alex, Isaiah) gets the cards, Megan cannot approve her own request, Alex's approval runs the
 * rotation saga as a job, and every card copy ends in the final state. No output carries the new secret.
 */
import { actionOf, as, cardText, startHarness, USERS, type Harness } from './harness';

let h: Harness;

afterEach(() => h.close());

async function meganRequestsRotation() {
  const confirm = (await h.service.requestRotation(as('megan'), { appQuery: 'D365-App-Registration' })).cards[0];
  const send = actionOf(confirm, 'Send request');
  const sent = await h.click(as('megan'), send.verb, send.data, { justification: 'expires in 10 days' });
  if (!sent) throw new Error('request.send not handled');
  return { confirm, sent };
}

test('Alex approves Megan’s rotation: the saga runs, cards end done, Megan’s own approval was refused', async () => {
  h = await startHarness();
  const { confirm, sent } = await meganRequestsRotation();
  expect(cardText(confirm)).toMatch(/This app user holds System Administrator in Contoso PROD/);

  const recipients = sent.notifications.map((n) => n.toUserId).sort();
  expect(recipients).toEqual([USERS.alex.id, USERS.isaiah.id].sort());
  const alexCard = sent.notifications.find((n) => n.toUserId === USERS.alex.id)?.reply.cards[0];
  expect(cardText(alexCard)).toMatch(/System Administrator/);
  const approve = actionOf(alexCard, 'Approve');

  const own = await h.click(as('megan'), approve.verb, approve.data, {});
  expect(own?.reply.text).toMatch(/cannot approve or reject your own request/);
  const refused = (await h.audit()).filter((e) => e.action === 'approval.refused');
  expect(refused.map((e) => e.details?.reason)).toEqual(['ownRequest']);
  expect(refused[0].actor).toBe(USERS.megan.id);

  const clicked = await h.click(as('alex'), approve.verb, approve.data, {});
  expect(cardText(clicked?.reply.cards[0])).toMatch(/Approved by Alex Wilber — running…/);
  await h.jobs.drain();

  const key = sent.replyCardKey as string;
  for (const person of ['megan', 'alex', 'isaiah'] as const) {
    expect(cardText(h.notifier.latestCard(USERS[person].id, key))).toMatch(/Approved by Alex Wilber — done/);
  }
  expect(h.notifier.textsTo(USERS.megan.id).join('\n')).toMatch(/new secret is in Key Vault/);

  const secrets = h.emulator.control.issuedSecrets();
  expect(secrets.length).toBeGreaterThan(0);
  const everything = JSON.stringify([h.notifier.sent, await h.audit(), clicked]);
  for (const secret of secrets) expect(everything).not.toContain(secret);
});

test('with two approvers required, one approval is not enough and the same approver cannot count twice', async () => {
  h = await startHarness({ ROTATION_REQUIRES_TWO_APPROVERS: 'true' });
  const { sent } = await meganRequestsRotation();
  const approve = actionOf(sent.notifications[0].reply.cards[0], 'Approve');

  await h.click(as('alex'), approve.verb, approve.data, {});
  const again = await h.click(as('alex'), approve.verb, approve.data, {});
  await h.jobs.drain();
  expect(again?.reply.text).toMatch(/already recorded/);
  expect((await h.audit()).some((e) => e.action === 'approval.done')).toBe(false);
  expect(cardText(h.notifier.latestCard(USERS.isaiah.id, sent.replyCardKey as string))).toMatch(
    /Approved so far by Alex Wilber/,
  );

  await h.click(as('isaiah'), approve.verb, approve.data, {});
  await h.jobs.drain();
  expect(cardText(h.notifier.latestCard(USERS.megan.id, sent.replyCardKey as string))).toMatch(
    /Approved by Alex Wilber and Isaiah Langer — done/,
  );
});

test('only app owners and admins may request a rotation', async () => {
  h = await startHarness();
  const reply = await h.service.requestRotation(as('adele'), { appQuery: 'D365-App-Registration' });
  expect(reply.text).toMatch(/Only the owners of D365-App-Registration and admins/);
  expect((await h.audit()).map((e) => e.details?.reason)).toEqual(['notAllowed']);
});

test('the audit card is for admins; it lists the requests about an app', async () => {
  h = await startHarness();
  await meganRequestsRotation();
  const card = (await h.service.audit(as('alex'), { subject: 'D365-App-Registration' })).cards[0];
  expect(cardText(card)).toMatch(/approval.requested/);
  expect(cardText(card)).toMatch(/Megan Bowen/);
  const refused = await h.service.audit(as('megan'), {});
  expect(refused.text).toMatch(/Only admins can read the audit log/);
  const exported = [];
  for await (const entry of h.service.exportAudit()) exported.push(entry);
  expect(exported.map((e) => e.action)).toEqual(['approval.requested', 'approval.refused']);
});

test('asking to rotate a certificate-only app warns that a new client secret does not renew the certificate', async () => {
  h = await startHarness();
  const reply = await h.service.requestRotation(as('alex'), { appQuery: 'Lunch-Order-App' });
  expect(cardText(reply.cards[0])).toMatch(/signs in with a certificate and has no client secret/);
  const d365 = await h.service.requestRotation(as('alex'), { appQuery: 'D365-App-Registration' });
  expect(cardText(d365.cards[0])).not.toMatch(/signs in with a certificate/);
});

test('a connection switch that failed: approvers get [Retry the switch], which finishes the rotation once the cause is gone', async () => {
  h = await startHarness();
  const { sent } = await meganRequestsRotation();
  const key = sent.replyCardKey as string;
  const approve = actionOf(sent.notifications.find((n) => n.toUserId === USERS.alex.id)?.reply.cards[0], 'Approve');
  h.emulator.control.setFaults('powerPlatform.updateConnection:error=1:500');
  await h.click(as('alex'), approve.verb, approve.data, {});
  await h.jobs.drain();
  h.emulator.control.setFaults('');

  // Every copy says so; the approvers' copies (not the requester's) carry the button.
  for (const person of ['megan', 'alex', 'isaiah'] as const) {
    expect(cardText(h.notifier.latestCard(USERS[person].id, key))).toMatch(/needs attention/);
  }
  expect(() => actionOf(h.notifier.latestCard(USERS.megan.id, key), 'Retry the switch')).toThrow();
  actionOf(h.notifier.latestCard(USERS.isaiah.id, key), 'Retry the switch');
  const retry = actionOf(h.notifier.latestCard(USERS.alex.id, key), 'Retry the switch');
  expect(retry.verb).toBe('approval.retry');

  // Card data is untrusted: the requester, a non-approver and a forged hash are refused, and nothing moves.
  expect((await h.click(as('megan'), retry.verb, retry.data, {}))?.reply.text).toMatch(/your own request/);
  expect((await h.click(as('adele'), retry.verb, retry.data, {}))?.reply.text).toMatch(/not one of the approvers/);
  const forged = { ...retry.data, hash: 'forged' };
  expect((await h.click(as('alex'), retry.verb, forged, {}))?.reply.text).toMatch(/does not match the request/);
  expect((await h.audit()).filter((e) => e.action === 'approval.retried')).toEqual([]);

  const clicked = await h.click(as('alex'), retry.verb, retry.data, {});
  expect(cardText(clicked?.reply.cards[0])).toMatch(/running…/);
  await h.jobs.drain();
  for (const person of ['megan', 'alex', 'isaiah'] as const) {
    const card = h.notifier.latestCard(USERS[person].id, key);
    expect(cardText(card)).toMatch(/Approved by Alex Wilber — done/);
    expect(cardText(card)).toMatch(/Connection switch retried by Alex Wilber/);
    expect(() => actionOf(card, 'Retry the switch')).toThrow();
  }
  // The saga finished as any rotation does: every connection on the new secret, the old one removed (grace 0).
  const rotations = [];
  for await (const r of h.ctx.store.records.list<{ state: string; connections: { outcome: string }[] }>('rotations'))
    rotations.push(r.value);
  expect(rotations).toHaveLength(1);
  expect(rotations[0].state).toBe('done');
  expect(rotations[0].connections.map((c) => c.outcome)).toEqual(rotations[0].connections.map(() => 'updated'));
  const actions = (await h.audit()).map((e) => e.action);
  expect(actions.filter((a) => a === 'approval.retried')).toHaveLength(1);
  expect(actions.filter((a) => a === 'rotation.reopened')).toHaveLength(1);

  // A second press on an old copy: nothing to retry, and the card shows where it stands.
  const again = await h.click(as('isaiah'), retry.verb, retry.data, {});
  expect(again?.reply.text).toMatch(/nothing to retry/);
  expect(cardText(again?.reply.cards[0])).toMatch(/— done/);
  const secrets = h.emulator.control.issuedSecrets();
  const everything = JSON.stringify([h.notifier.sent, await h.audit()]);
  for (const secret of secrets) expect(everything).not.toContain(secret);
});
