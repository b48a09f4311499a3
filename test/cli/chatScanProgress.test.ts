/**
 * "scan now" as Alex (an admin) through the chat CLI (`--jsonl`): progress on one card, updated in place, before
 * the digest; the scan itself runs as a job in the scan worker thread, so the progress crossed the thread.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

interface Message {
  text: string;
  cards: { body?: { text?: string }[] }[];
  updated?: boolean;
}

test('scan now yields informative updates before the digest', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-scan-progress-'));
  const file = path.join(dir, 'in.jsonl');
  fs.writeFileSync(file, JSON.stringify({ id: 'scan', text: 'scan now', as: 'alexw@example.com' }) + '\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts', '--jsonl', file], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'error' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  fs.rmSync(dir, { recursive: true, force: true });
  expect(run.status).toBe(0);
  const output = JSON.parse(run.stdout.trim().split('\n')[0]) as { replies: Message[] };
  const texts = output.replies.map((r) => r.text);

  expect(texts[0]).toMatch(/^Scanning the tenant now/);
  const progress = output.replies.filter((r) => /^(Reading environments|Checking|Tenant scan complete)/.test(r.text));
  const digest = texts.findIndex((t) => t.startsWith('Connection Ops digest'));
  expect(progress.length).toBeGreaterThanOrEqual(1);
  expect(digest).toBeGreaterThan(texts.indexOf(progress[progress.length - 1].text));
  // The last state is the finished scan, with the demo tenant's numbers; any earlier state is the same card, updated.
  expect(progress[progress.length - 1].text).toBe('Tenant scan complete: 4 environments and 8 app registrations read.');
  expect(progress[progress.length - 1].cards[0].body?.[0]?.text).toBe('Tenant scan finished');
  for (const later of progress.slice(1)) expect(later.updated).toBe(true);
  if (progress.length > 1) expect(progress[0].text).toMatch(/^Reading environments: \d of 4/);
}, 150_000);
