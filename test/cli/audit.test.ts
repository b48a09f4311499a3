/** `npm run audit -- --json` exports the configured store's audit log as a JSON array (JSON lines without it). */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/config';
import { openStore } from '../../src/store';

let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-cli-'));
  const store = await openStore(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir }));
  await store.audit.append({
    actor: 'u1',
    action: 'approval.requested',
    subject: 'D365-App-Registration',
    outcome: 'success',
    correlationId: 'a1',
  });
  await store.audit.append({
    actor: 'u2',
    action: 'approval.refused',
    subject: 'Weekly',
    outcome: 'refused',
    details: { reason: 'ownRequest' },
  });
  await store.close();
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]): string =>
  execFileSync(process.execPath, [require.resolve('tsx/cli'), 'src/cli/audit.ts', ...args], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: { ...process.env, DATA_DIR: dir, STORAGE: 'sqlite', TENANT_ID: '' },
    encoding: 'utf8',
  });

test('--json prints every entry as one JSON array, oldest first', () => {
  const entries = JSON.parse(run('--json')) as { action: string; at: string }[];
  expect(entries.map((e) => e.action)).toEqual(['approval.requested', 'approval.refused']);
  expect(entries.every((e) => typeof e.at === 'string')).toBe(true);
});

test('without --json it prints JSON lines, filtered by subject', () => {
  const lines = run('--subject', 'Weekly').trim().split('\n');
  expect(lines.map((l) => (JSON.parse(l) as { details: unknown }).details)).toEqual([{ reason: 'ownRequest' }]);
});
