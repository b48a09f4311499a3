/**
 * Runs lines through the chat CLI's --jsonl mode in a child process (the bot as people meet it: planner, name
 * index of the demo tenant, dispatcher) and returns each input's output by id.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export interface ChatOutput {
  id: string;
  replies: { text: string; cards: object[] }[];
  understood?: { intent: string; entities: Record<string, unknown>; confidence: number };
}

export interface ChatInput {
  id: string;
  text?: string;
  click?: string;
  as?: string;
}

export function chatJsonl(lines: ChatInput[], env: NodeJS.ProcessEnv = {}): Map<string, ChatOutput> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chat-jsonl-')), 'in.jsonl');
  fs.writeFileSync(
    file,
    lines.map((l) => JSON.stringify({ id: l.id, text: l.text, click: l.click, as: l.as })).join('\n') + '\n',
  );
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts', '--jsonl', file], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`chat failed (${run.status}): ${run.stderr.slice(-2000)}`);
  const outputs = run.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ChatOutput);
  return new Map(outputs.map((o) => [o.id, o]));
}
