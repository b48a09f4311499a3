/**
 * Faults from the emulator during chat turns, scans and rotation sagas, through the whole bot (compose + ChatSession):
 * throttling storms (429 + Retry-After), 5xx bursts, timeouts, connection resets and the ambiguous addPassword. The
 * bot must answer every turn with a card that says what could not be checked and offers [Retry] — never a stack
 * trace, never silence — give the full answer once the fault is lifted, and lose no job or approval: every approval
 * ends decided and in a final state, the queue is drained, and the credentials follow the issue 6 rules.
 */
import { writeReliabilitySummary } from './summary';
import { said, STACK_TRACE, startBot, type BotHarness, type Person } from './botHarness';

const DATA_APIS = ['graph', 'bap', 'powerApps', 'powerPlatform', 'flow', 'dataverse'];
const everywhere = (fault: string) => DATA_APIS.map((api) => `${api}:${fault}`).join(';');

const FAULTS = [
  { name: 'throttling storm (429 + Retry-After)', spec: everywhere('throttle=1/60'), reason: /busy \(throttled\)/ },
  { name: '5xx burst (503 on every call)', spec: everywhere('error=1:503'), reason: /unavailable/ },
  { name: 'timeouts (no answer at all)', spec: everywhere('timeout=1'), reason: /did not answer in time/ },
  { name: 'connection resets', spec: everywhere('reset=1'), reason: /unavailable/ },
];

const TURNS: { who: Person; text: string; full: RegExp }[] = [
  { who: 'megan', text: 'show my connections', full: /could not be refreshed/ },
  {
    who: 'adele',
    text: "why can't I turn on Weekly report",
    full: /belongs to Megan Bowen and is not shared with you/,
  },
  { who: 'alex', text: 'which secrets expire in the next 30 days', full: /D365-App-Registration/ },
  { who: 'alex', text: 'health report', full: /Lee Gu/ },
];

const tally = { turns: 0, degradedTurns: 0, recoveredTurns: 0, scans: 0, sagas: 0, faultsInjected: 0, losses: 0 };

afterAll(() => writeReliabilitySummary('faults', tally));

describe('chat turns under faults', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot.close());
  afterEach(() => bot.emulator.control.setFaults(''));

  test.each(FAULTS)(
    '$name: each view says what it could not check, offers Retry, recovers',
    async ({ spec, reason }) => {
      for (const { who, text, full } of TURNS) {
        bot.emulator.control.setFaults(spec);
        tally.faultsInjected++;
        const degraded = await bot.say(who, text);
        tally.turns++;
        const words = said(degraded);
        expect(degraded.replies.length).toBeGreaterThan(0);
        expect(words).not.toMatch(STACK_TRACE);
        expect({ text, words }).toEqual({ text, words: expect.stringMatching(/could not be checked/) });
        expect(words).toMatch(/"title":"Retry"/);
        expect(words).toMatch(reason);
        tally.degradedTurns++;

        bot.emulator.control.setFaults('');
        const recovered = await bot.click(who, 'Retry');
        tally.turns++;
        expect({ text, words: said(recovered) }).toEqual({ text, words: expect.stringMatching(full) });
        expect(said(recovered)).not.toMatch(/could not be checked/);
        tally.recoveredTurns++;
      }
    },
    90_000,
  );
});

test('a short throttling burst (Retry-After 1 s) is waited out: the full answer, no gap', async () => {
  const bot = await startBot();
  try {
    bot.emulator.control.setFaults('graph:throttle=6/1');
    tally.faultsInjected++;
    const turn = await bot.say('alex', 'health report');
    tally.turns++;
    expect(said(turn)).toMatch(/Lee Gu/);
    expect(said(turn)).not.toMatch(/could not be checked/);
  } finally {
    await bot.close();
  }
});

describe('scans under faults', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot.close());

  test('Dataverse down, then everything timing out: the scan ends partial, never hangs or throws; complete once lifted', async () => {
    const complete = await bot.composition.notifications.runScan({ dryRun: true });
    tally.scans++;
    expect(complete.partial).toEqual([]);
    const all = complete.findings.length;

    for (const spec of ['dataverse:error=1:503', everywhere('timeout=1'), everywhere('throttle=1/60')]) {
      bot.emulator.control.setFaults(spec);
      tally.faultsInjected++;
      const partial = await bot.composition.notifications.runScan({ dryRun: true });
      tally.scans++;
      expect(partial.partial.length).toBeGreaterThan(0);
      expect(partial.findings.length).toBeLessThan(all);
      expect(JSON.stringify(partial)).not.toMatch(STACK_TRACE);
    }

    bot.emulator.control.setFaults('dataverse:error=1:503');
    const chat = await bot.say('alex', 'scan now');
    tally.turns++;
    expect(chat.replies.length).toBeGreaterThan(0);
    expect(said(chat)).not.toMatch(STACK_TRACE);

    bot.emulator.control.setFaults('');
    const again = await bot.composition.notifications.runScan({ dryRun: true });
    tally.scans++;
    expect(again.partial).toEqual([]);
    expect(again.findings.length).toBe(all);
    expect(await bot.leftoverJobs()).toEqual({ visible: 0, poison: 0 });
  }, 60_000);
});

/** Megan asks to rotate D365-App-Registration; Alex and Isaiah (approvers) have talked to the bot before. */
async function requestRotation(bot: BotHarness) {
  await bot.say('alex', 'hi');
  await bot.say('isaiah', 'hi');
  await bot.say('megan', 'rotate the secret of D365-App-Registration');
  const sent = await bot.click('megan', 'Send request', { justification: 'expires soon' });
  expect(sent.notifications.length).toBe(2);
  const operation = (await bot.approvals())[0].operation;
  const app =
    operation.kind === 'rotation'
      ? await bot.composition.ctx.tenant.directory.findApplicationByAppId(String(operation.appId))
      : undefined;
  if (!app) throw new Error('D365-App-Registration not found');
  return { appObjectId: app.id, before: app.passwordCredentials.map((c) => c.keyId).sort() };
}

async function keyIds(bot: BotHarness, appObjectId: string): Promise<string[]> {
  const app = await bot.composition.ctx.tenant.directory.getApplication(appObjectId);
  return app.passwordCredentials.map((c) => c.keyId).sort();
}

/**
 * Nothing lost: the queue is run until settled; then one approval, decided and final, its rotation final with the
 * same outcome, no job left or poisoned, and the requester's message in plain words.
 */
async function expectNothingLost(bot: BotHarness) {
  await bot.settle();
  const approvals = await bot.approvals();
  const leftover = await bot.leftoverJobs();
  // Counted before asserting, so the summary reports what was measured.
  tally.losses +=
    approvals.filter((a) => !['done', 'failed', 'needsAttention'].includes(a.state)).length +
    leftover.visible +
    leftover.poison;
  expect(approvals).toHaveLength(1);
  expect(approvals[0].decisions.some((d) => d.decision === 'approve')).toBe(true);
  expect(['done', 'failed', 'needsAttention']).toContain(approvals[0].state);
  const rotations = await bot.rotations();
  expect(rotations).toHaveLength(1);
  expect(rotations[0].state).toBe(approvals[0].state);
  expect(leftover).toEqual({ visible: 0, poison: 0 });
  const result = approvals[0].result ?? '';
  expect(result).not.toMatch(STACK_TRACE);
  return { approval: approvals[0], rotation: rotations[0], result };
}

describe('rotation sagas under faults, through the approval flow', () => {
  let bot: BotHarness;
  afterEach(async () => {
    tally.sagas++;
    await bot.close();
  });

  test('Graph down when Alex clicks Approve: the click is answered, the job waits; once Graph is back it runs to done', async () => {
    bot = await startBot();
    const { appObjectId, before } = await requestRotation(bot);
    bot.emulator.control.setFaults('graph:error=1:503');
    tally.faultsInjected++;
    const clicked = await bot.click('alex', 'Approve', { comment: 'go' });
    expect(clicked.replies.length).toBeGreaterThan(0);
    expect(said(clicked)).not.toMatch(STACK_TRACE);
    expect(['approved', 'running']).toContain((await bot.approvals())[0].state);
    bot.emulator.control.setFaults('');
    expect(await keyIds(bot, appObjectId)).toEqual(before);
    const { approval } = await expectNothingLost(bot);
    expect(approval.state).toBe('done');
    const after = await keyIds(bot, appObjectId);
    expect(after).toHaveLength(1);
    expect(before).not.toContain(after[0]);
  });

  test('every addPassword answer lost (ambiguous): no orphan credential — one new one (done) or the old ones (failed)', async () => {
    bot = await startBot();
    const { appObjectId, before } = await requestRotation(bot);
    bot.emulator.control.setFaults('graph.addPassword:ambiguous=1');
    tally.faultsInjected++;
    await bot.click('alex', 'Approve', { comment: 'go' });
    bot.emulator.control.setFaults('');
    const { approval, result } = await expectNothingLost(bot);
    const after = await keyIds(bot, appObjectId);
    if (approval.state === 'done') {
      expect(after).toHaveLength(1);
      expect(before).not.toContain(after[0]);
    } else {
      expect(approval.state).toBe('failed');
      expect(after).toEqual(before);
    }
    expect(result).toMatch(approval.state === 'done' ? /Key Vault/ : /old secret is still in use/);
  });

  test('Key Vault down: failed, the new credential withdrawn and the old one kept; Megan is told why', async () => {
    bot = await startBot();
    const { appObjectId, before } = await requestRotation(bot);
    bot.emulator.control.setFaults('keyVault:down');
    tally.faultsInjected++;
    await bot.click('alex', 'Approve', { comment: 'go' });
    bot.emulator.control.setFaults('');
    const { approval, result } = await expectNothingLost(bot);
    expect(approval.state).toBe('failed');
    expect(await keyIds(bot, appObjectId)).toEqual(before);
    expect(result).toMatch(/Key Vault/);
  });

  test('a connection update failing: needsAttention naming it, both credentials kept', async () => {
    bot = await startBot();
    const { appObjectId, before } = await requestRotation(bot);
    bot.emulator.control.setFaults('powerPlatform.updateConnection:error=1:500');
    tally.faultsInjected++;
    await bot.click('alex', 'Approve', { comment: 'go' });
    bot.emulator.control.setFaults('');
    const { approval, rotation, result } = await expectNothingLost(bot);
    expect(approval.state).toBe('needsAttention');
    const after = await keyIds(bot, appObjectId);
    expect(after).toHaveLength(before.length + 1);
    for (const keyId of before) expect(after).toContain(keyId);
    const failed = (rotation.connections ?? []).filter((c) => c.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(result).toContain(failed[0].displayName);
  });

  test('a Graph throttling storm during the saga: it ends in a final state with the credentials consistent', async () => {
    bot = await startBot();
    const { appObjectId, before } = await requestRotation(bot);
    bot.emulator.control.setFaults('graph:throttle=2/60');
    tally.faultsInjected++;
    await bot.click('alex', 'Approve', { comment: 'go' });
    bot.emulator.control.setFaults('');
    const { approval } = await expectNothingLost(bot);
    const after = await keyIds(bot, appObjectId);
    if (approval.state === 'done') expect(after.filter((k) => before.includes(k))).toEqual([]);
    else for (const keyId of before) expect(after).toContain(keyId);
    expect(after.length).toBeLessThanOrEqual(before.length + 1);
  });
});
