/**
 * A rotation approved by Alex through the chat CLI (`--jsonl`): the approval's card is updated in place with a
 * step list that grows as the saga goes, ending in the final card. Updates carry the id of the message they
 * replace, so one card's versions are told apart from other messages. PROGRESS_CARD_SECONDS=0 lets every step's
 * update through (the throttle itself is tested on the injected clock in test/approvals/operationProgress.test.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

interface Message {
  to?: string;
  text: string;
  cards: unknown[];
  updated?: boolean;
  activityId?: string;
}
interface Line {
  id: string;
  replies: Message[];
  notifications: Message[];
}

const stepLines = (m: Message): string[] =>
  [...JSON.stringify(m.cards).matchAll(/"text":"([✓▶⏳○✗][^"]*)"/g)].map((match) => match[1]);
const doneCount = (lines: string[]): number => lines.filter((l) => l.startsWith('✓')).length;

test('a rotation approved by Alex yields updates of the same card whose step lists grow, ending in the final card', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-rotation-progress-'));
  const file = path.join(dir, 'in.jsonl');
  const inputs = [
    { id: 'ask', as: 'meganb@example.com', text: 'D365-App-Registration needs a new secret' },
    { id: 'send', as: 'meganb@example.com', click: 'Send request', inputs: { justification: 'expires soon' } },
    { id: 'approve', as: 'alexw@example.com', click: 'Approve' },
  ];
  fs.writeFileSync(file, inputs.map((i) => JSON.stringify(i)).join('\n') + '\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts', '--jsonl', file], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'error', PROGRESS_CARD_SECONDS: '0' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  fs.rmSync(dir, { recursive: true, force: true });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const [ask, , approve] = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

  // Megan's confirmation card becomes her copy of the request; Alex's approval card his.
  const meganCardId = ask.replies[0].activityId;
  expect(meganCardId).toBeTruthy();
  const copies: [string, Message[]][] = [
    ['Megan', approve.notifications.filter((n) => n.to === 'meganb@example.com' && n.cards.length)],
    ['Alex', approve.replies.filter((r) => r.updated)],
  ];
  for (const [who, versions] of copies) {
    expect({ who, ids: new Set(versions.map((v) => v.activityId)).size }).toEqual({ who, ids: 1 });
    for (const v of versions) expect(v.updated).toBe(true);
    const lists = versions.map(stepLines).filter((lines) => lines.length > 0);
    // Grows: every version has at least as many steps done as the one before, and there are several of them.
    const counts = lists.map(doneCount);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    expect(new Set(counts).size).toBeGreaterThanOrEqual(3);
    expect(lists.some((lines) => lines.some((l) => l.startsWith('▶')))).toBe(true);
    // The last version is the final card: done, the old secret waiting for the grace period (24 h by default).
    const last = JSON.stringify(versions.at(-1)?.cards);
    expect(last).toMatch(/Approved by Alex Wilber — done/);
    expect(doneCount(lists.at(-1) ?? [])).toBe(4);
    expect(lists.at(-1)?.at(-1)).toMatch(/^⏳ Waiting for the grace period to end \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/);
  }
  expect(copies[0][1][0].activityId).toBe(meganCardId);
}, 150_000);
