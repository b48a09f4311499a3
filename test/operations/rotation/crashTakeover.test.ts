/**
 * A bot instance killed with SIGKILL in the middle of a rotation saga, and another instance (another OS process on
 * the same Azurite and demo tenant) that completes it once the dead one's job visibility and saga lease have run
 * out. The saga is stopped at the hardest point on purpose: addPassword has answered and the new credential is
 * recorded, but its secret never reached Key Vault (the emulator holds Key Vault's answer), so it died with the
 * process. Proves: the survivor removes that orphan and ends with exactly one new credential on the app, whose
 * secret is the one in Key Vault; the old secret is removed (OLD_SECRET_GRACE_HOURS=0); the approval is done and
 * every card copy says so.
 */
import type { Approval } from '../../../src/approvals/approvalRecord';
import { collect } from '../../../src/clients';
import type { Rotation } from '../../../src/operations/rotation';
import { startBotInstances, type BotInstances } from '../../support/botInstances';
import { currentCard, hasButton, type TeamsUser } from '../../support/teamsClient';
import { waitFor } from '../../support/waitFor';
import { USERS } from '../../../src/emulator/fixture';

const ALEX: TeamsUser = { id: USERS.alex.id, displayName: 'Alex Wilber' };
const MEGAN: TeamsUser = { id: USERS.megan.id, displayName: 'Megan Bowen' };
const APP = 'D365-App-Registration';

let instances: BotInstances;

beforeAll(async () => {
  instances = await startBotInstances({
    count: 1,
    env: { OLD_SECRET_GRACE_HOURS: '0' },
    compose: {
      // Production: 60 s and 2 min (60 s on Blob leases). Shorter, so the takeover costs seconds; the job's
      // visibility is kept well apart from the lease so that its retries do not run out while the lease is held.
      jobRunner: { visibilityTimeoutMs: 8_000 },
      rotation: { leaseTtlMs: 15_000, verify: { timeoutMs: 30_000, initialDelayMs: 200, maxDelayMs: 1_000 } },
    },
  });
}, 90_000);

afterAll(async () => {
  await instances?.close();
});

async function list<T>(collection: string): Promise<T[]> {
  const out: T[] = [];
  for await (const r of instances.store.records.list<T>(collection)) out.push(r.value);
  return out;
}

test('an instance killed after addPassword: another instance finishes the rotation with one new credential', async () => {
  const { teams, tenant, control, stub } = instances;
  const [first] = instances.bots;
  const app = (await collect(tenant.directory.listApplications())).find((a) => a.displayName === APP)!;
  const oldKeyIds = app.passwordCredentials.map((c) => c.keyId);

  // Key Vault never answers a write: the saga stops after addPassword, holding the only copy of the new secret.
  await control.setFaults('keyVault.setSecret:timeout=1');
  await teams.say(first.url, ALEX, 'hi');
  const [confirm] = await teams.say(first.url, MEGAN, `rotate the secret of ${APP}`);
  expect(hasButton(currentCard(confirm), 'Send request')).toBe(true);
  await teams.press(first.url, MEGAN, confirm, 'Send request', { justification: 'crash test' });
  // The approval card is a proactive message, delivered from the outbox just after the turn.
  await waitFor(() => teams.cardsOf(ALEX).some(({ card }) => hasButton(card, 'Approve')), {
    timeoutMs: 15_000,
    what: "Alex's approval card",
  });
  const alexCard = teams.cardsOf(ALEX).find(({ card }) => hasButton(card, 'Approve'))!;
  const approved = await teams.press(first.url, ALEX, alexCard.message, 'Approve');
  expect(JSON.stringify(approved.card)).toMatch(/Approved by Alex Wilber — running…/);

  // Provably mid-way: the record says the new credential exists and awaits Key Vault, and the tenant agrees.
  let orphanKeyId = '';
  await waitFor(
    async () => {
      const [rotation] = await list<Rotation>('rotations');
      orphanKeyId = rotation?.state === 'storingSecret' ? (rotation.newKeyId ?? '') : '';
      return orphanKeyId !== '';
    },
    { timeoutMs: 30_000, what: 'the saga to wait for Key Vault after addPassword' },
  );
  const midway = await tenant.directory.getApplication(app.id);
  expect(midway.passwordCredentials.map((c) => c.keyId).sort()).toEqual([...oldKeyIds, orphanKeyId].sort());
  expect(await control.issuedSecrets()).toHaveLength(1);

  // A second instance comes up; the first dies without a word, and Key Vault recovers.
  await instances.startBot();
  await first.kill();
  await control.setFaults('');

  await waitFor(async () => (await list<Approval>('approvals')).every((a) => a.state === 'done'), {
    timeoutMs: 90_000,
    what: 'the approval to be done on the surviving instance',
  });
  const [rotation] = await list<Rotation>('rotations');
  expect(rotation.state).toBe('done');

  // Exactly one new credential — not the orphan — and the old ones gone (grace 0).
  const after = await tenant.directory.getApplication(app.id);
  expect(after.passwordCredentials.map((c) => c.keyId)).toEqual([rotation.newKeyId]);
  expect(rotation.newKeyId).not.toBe(orphanKeyId);
  // The survivor found the secret lost and withdrew the orphan, rather than adopting a credential it cannot use.
  const audit = [];
  for await (const entry of instances.store.audit.list({ subject: APP })) audit.push(entry);
  expect(audit.filter((e) => e.action === 'rotation.secretLost')).toHaveLength(1);
  expect(audit.filter((e) => e.action === 'rotation.removeNewCredential').map((e) => e.details?.keyId)).toContain(
    orphanKeyId,
  );
  const issued = await control.issuedSecrets();
  expect(issued).toHaveLength(2);
  // Key Vault holds the secret of that credential: the last one Graph issued.
  const vault = await tenant.vault.getSecretProperties(rotation.vaultSecretName);
  expect(vault?.tags.keyId).toBe(rotation.newKeyId);
  expect(await tenant.vault.getSecretValue(rotation.vaultSecretName)).toBe(issued[1]);
  for (const c of rotation.connections ?? []) {
    expect(c.outcome).toBe('updated');
    expect((await tenant.connections.getConnection(c.environmentId, c.connector, c.connectionName)).status).toBe(
      'Connected',
    );
  }

  // The approver's and the requester's cards end final.
  const done = /Approved by Alex Wilber — done/;
  await waitFor(() => done.test(JSON.stringify(currentCard(alexCard.message))), {
    timeoutMs: 30_000,
    what: "Alex's card to show done",
  });
  await waitFor(() => done.test(JSON.stringify(currentCard(confirm))), {
    timeoutMs: 30_000,
    what: "Megan's card to show done",
  });
  expect(stub.unexpected).toEqual([]);
}, 180_000);
