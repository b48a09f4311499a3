/** `npm run --silent scan -- --dry-run --json` on the demo tenant: ONE JSON object with findings and deliveries. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a dry run prints one JSON object: the findings and who would receive what, and queues nothing', async () => {
  const { stdout } = await exec(
    process.execPath,
    [require.resolve('tsx/cli'), 'src/cli/scan.ts', '--dry-run', '--json'],
    {
      cwd: path.resolve(__dirname, '..', '..'),
      env: { ...process.env, DATA_DIR: dir, STORAGE: 'sqlite', TENANT_ID: '', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    },
  );
  expect(stdout.trim().split('\n')).toHaveLength(1);
  const result = JSON.parse(stdout) as {
    findings: {
      kind: string;
      subject: string;
      daysLeft: number | null;
      environment: string | null;
      owner: string | null;
    }[];
    deliveries: { to: string; text: string; cards: { type: string }[] }[];
    partial: string[];
  };
  expect(result.findings).toContainEqual(
    expect.objectContaining({ kind: 'credential-expiring', subject: 'D365-App-Registration', daysLeft: 10 }),
  );
  for (const finding of result.findings) expect(finding).toHaveProperty('environment');
  expect(result.deliveries.map((d) => d.to)).toEqual(
    expect.arrayContaining(['alexw@example.com', 'lynner@example.com', 'meganb@example.com']),
  );
  expect(result.deliveries[0].cards[0].type).toBe('AdaptiveCard');

  // Nothing was queued or remembered: a real scan afterwards still finds everything new.
  const { stdout: again } = await exec(
    process.execPath,
    [require.resolve('tsx/cli'), 'src/cli/scan.ts', '--dry-run', '--json'],
    {
      cwd: path.resolve(__dirname, '..', '..'),
      env: { ...process.env, DATA_DIR: dir, STORAGE: 'sqlite', TENANT_ID: '', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    },
  );
  expect((JSON.parse(again) as typeof result).deliveries.length).toBe(result.deliveries.length);
}, 60_000);
