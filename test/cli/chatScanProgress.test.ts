/**
 * "scan now" as Alex (an admin) through the chat CLI (`--jsonl`), in his one-on-one chat: the turn streams the
 * scan as informative updates (Teams' streaming, one stream id) and ends the stream with the finished line, then
 * the digest follows. The scan itself runs as a job in the scan worker thread, so the progress crossed the thread.
 * Group chats and channels, which Teams does not stream, get the progress card instead (test/app/scanStream.test.ts).
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
  stream?: 'informative' | 'streaming' | 'final';
  activityId?: string;
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
  const replies = output.replies;

  const informative = replies.filter((r) => r.stream === 'informative');
  const finalAt = replies.findIndex((r) => r.stream === 'final');
  const digestAt = replies.findIndex((r) => r.text.startsWith('Connection Ops digest'));
  expect(informative.length).toBeGreaterThanOrEqual(1);
  expect(informative[0].text).toMatch(/^Scanning the tenant now/);
  for (const later of informative.slice(1)) expect(later.text).toMatch(/^(Reading|Checking)/);
  // Informative updates, then the final message of the same stream, then the digest.
  expect(replies.indexOf(informative[informative.length - 1])).toBeLessThan(finalAt);
  expect(replies[finalAt].text).toBe(
    'Tenant scan complete: 4 environments and 8 app registrations read. Your digest follows.',
  );
  expect(new Set([...informative, replies[finalAt]].map((r) => r.activityId)).size).toBe(1);
  expect(digestAt).toBeGreaterThan(finalAt);
  // The stream showed the scan: no progress card on top of it.
  expect(replies.filter((r) => r.cards[0]?.body?.[0]?.text === 'Scanning the tenant')).toEqual([]);
}, 150_000);
