/**
 * `npm run scan` shows a progress bar on stderr when stderr is a terminal (run here under a real pseudo-terminal
 * with util-linux `script`), writes nothing extra when stderr is piped, and its `--json` output is the same either
 * way.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-progress-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const env = () => ({ ...process.env, DATA_DIR: dir, STORAGE: 'sqlite', TENANT_ID: '', LOG_LEVEL: 'silent' });
const scanArgs = [require.resolve('tsx/cli'), 'src/cli/scan.ts', '--dry-run', '--json'];
interface ScanJson {
  findings: Record<string, unknown>[];
  deliveries: { to: string; text: string }[];
  partial: string[];
}
/** The same scan twice differs only in ids the demo tenant draws anew (credential key ids, digest ids). */
const comparable = (json: string) => {
  const result = JSON.parse(json) as ScanJson;
  return {
    keys: Object.keys(result),
    findingKeys: result.findings.map((f) => Object.keys(f).sort().join(',')),
    findings: result.findings.map((f) => [f.kind, f.subject, f.severity, f.daysLeft, f.environment, f.owner]),
    deliveries: result.deliveries.map((d) => [d.to, d.text]),
    partial: result.partial,
  };
};

test('on a terminal stderr shows the bar; piped it shows nothing; --json is the same', async () => {
  // stdout goes to a file inside the pseudo-terminal, so what `script` captures is stderr alone.
  const out = path.join(dir, 'tty.json');
  const command = [process.execPath, ...scanArgs].map((a) => `'${a}'`).join(' ') + ` > '${out}'`;
  const { stdout: terminal } = await exec('script', ['-qfec', command, '/dev/null'], {
    cwd: ROOT,
    env: env(),
    encoding: 'utf8',
  });
  const plain = terminal.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]/g, '');
  expect(plain).toMatch(/Scanning \|[^|]+\| 4\/4 environments · \d+ app registrations read · done/);
  // Never drawn before the number of environments is known (an empty bar of 0 of 0 would read as finished).
  expect(plain).not.toMatch(/ 0\/0 environments/);

  const piped = await exec(process.execPath, scanArgs, { cwd: ROOT, env: env(), encoding: 'utf8' });
  expect(piped.stderr).toBe('');
  expect(piped.stdout.trim().split('\n')).toHaveLength(1);
  expect(comparable(fs.readFileSync(out, 'utf8'))).toEqual(comparable(piped.stdout));
}, 90_000);
