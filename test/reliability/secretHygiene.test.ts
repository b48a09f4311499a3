/**
 * Secret hygiene through the whole bot: several rotations (a clean one, one whose addPassword answers are lost, one
 * with a propagation delay, one left needing attention) run through the chat, the approval cards and the job queue
 * while everything the bot emits is captured — every log line at trace level, every chat turn and card, the SQLite
 * store's bytes (database, WAL, shared memory), the audit log (in-process and through `npm run audit -- --json`).
 * Every secret the emulator issued must appear in none of them, and no card may show a secret's hint (its first
 * three characters, which Graph returns as `hint`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatTurn } from '../../src/app/chatSession';
import { configureLogging } from '../../src/logging/logger';
import { startBot, type BotHarness, type Person } from './botHarness';
import { writeReliabilitySummary } from './summary';

const root = path.resolve(__dirname, '..', '..');
const logLines: string[] = [];
const turns: ChatTurn[] = [];
let bot: BotHarness;

beforeAll(async () => {
  configureLogging({ level: 'trace', target: { write: (line) => logLines.push(line) } });
  bot = await startBot({ env: { LOG_LEVEL: 'trace' } });
});
afterAll(async () => {
  await bot?.close();
  configureLogging({ level: 'silent', target: process.stderr });
});

async function say(who: Person, text: string) {
  turns.push(await bot.say(who, text));
}
async function click(who: Person, title: string, inputs: Record<string, unknown> = {}) {
  turns.push(await bot.click(who, title, inputs));
}

async function rotate(requester: Person, app: string, approver: Person, faults = '') {
  await say(requester, `rotate the secret of ${app}`);
  await click(requester, 'Send request', { justification: 'hygiene check' });
  bot.emulator.control.setFaults(faults);
  await click(approver, 'Approve', { comment: 'ok' });
  bot.emulator.control.setFaults('');
  await bot.settle();
  await say(requester, 'which secrets expire in the next 30 days');
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Every place a secret must not be, as text (store files read byte for byte as latin1). */
async function sinks(): Promise<Record<string, string>> {
  const storeFiles = filesUnder(bot.dataDir);
  expect(storeFiles.some((f) => f.endsWith('.sqlite'))).toBe(true);
  return {
    logs: logLines.join(''),
    chat: JSON.stringify(turns),
    audit: JSON.stringify(await bot.audit()),
    approvals: JSON.stringify([await bot.approvals(), await bot.rotations()]),
    ...Object.fromEntries(storeFiles.map((f) => [`store:${path.basename(f)}`, fs.readFileSync(f).toString('latin1')])),
  };
}

function cardsOf(all: ChatTurn[]): object[] {
  return all.flatMap((t) => [...t.replies, ...t.notifications].flatMap((m) => m.cards));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

test('no issued secret in logs, chat, cards, store files or audit; no hint on any card', async () => {
  await say('alex', 'hi');
  await say('isaiah', 'hi');
  await rotate('megan', 'D365-App-Registration', 'alex');
  await rotate('megan', 'D365-App-Registration', 'isaiah', 'graph.addPassword:ambiguous=1');
  await rotate('alex', 'Lunch-Order-App', 'isaiah', 'token:propagation=300');
  await rotate('megan', 'D365-App-Registration', 'alex', 'powerPlatform.updateConnection:error=1:500');
  await say('alex', 'audit');
  await say('alex', 'audit for D365-App-Registration');

  const outcomes = (await bot.approvals()).map((a) => a.state).sort();
  expect(outcomes).toEqual(['done', 'done', 'failed', 'needsAttention']);
  const secrets = bot.emulator.control.issuedSecrets();
  // A clean rotation issues one; the ambiguous one issues one per attempt.
  expect(secrets.length).toBeGreaterThanOrEqual(5);
  // The check is not vacuous: the secrets are real and Key Vault, the one place allowed to hold them, does.
  const rotation = (await bot.rotations()).find((r) => r.state === 'done');
  const vaulted = await bot.composition.ctx.tenant.vault.getSecretValue(rotation?.vaultSecretName ?? '');
  expect(secrets).toContain(vaulted);

  const hits: string[] = [];
  const check = (found: Record<string, string>) => {
    for (const [where, text] of Object.entries(found))
      secrets.forEach((secret, i) => text.includes(secret) && hits.push(`secret #${i + 1} in ${where}`));
  };
  const found = await sinks();
  const storeFiles = Object.keys(found).filter((k) => k.startsWith('store:'));
  expect(storeFiles).toEqual(
    expect.arrayContaining(['store:connection-ops.sqlite', 'store:connection-ops.sqlite-wal']),
  );
  check(found);
  const exported = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/audit.ts', '--json', '--data', bot.dataDir],
    { cwd: root, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'error' }, timeout: 60_000 },
  );
  expect(exported.status).toBe(0);
  expect(JSON.parse(exported.stdout).length).toBeGreaterThan(10);
  check({ 'audit export': exported.stdout + exported.stderr });
  expect(hits).toEqual([]);

  const cards = JSON.stringify(cardsOf(turns));
  expect(cards).not.toMatch(/"hint"|\bhint\b/i);
  for (const secret of secrets) {
    const hint = escape(secret.slice(0, 3));
    expect(cards).not.toMatch(
      new RegExp(`(?:starts with|begins with|hint:?)\\s*"?${hint}|${hint}(?:\\*{2,}|…|\\.\\.\\.)`),
    );
  }

  const redactions = logLines.filter((l) => l.includes('[REDACTED]')).length;
  writeReliabilitySummary('secretHygiene', {
    rotations: outcomes.length,
    'secrets issued': secrets.length,
    'log lines scanned': logLines.length,
    'log lines with a redaction': redactions,
    'chat turns scanned': turns.length,
    'cards scanned': cardsOf(turns).length,
    'store files scanned': storeFiles.length,
    hits: hits.length,
  });
}, 90_000);
