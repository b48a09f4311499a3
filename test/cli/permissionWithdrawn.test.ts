/**
 * `npm run chat -- "health report"` on a demo tenant whose bot lost a permission (the emulator's `forbid` fault,
 * through EMULATOR_FAULTS): the report still comes, and says what could not be checked and which permission the
 * bot is missing, as docs/deployment.md names it — never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function healthReport(faults: string) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/chat.ts', '--json', '--as', 'alexw@example.com', 'health report'],
    {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'error', EMULATOR_FAULTS: faults },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { status: run.status, said: JSON.stringify(JSON.parse(run.stdout || '{}')).replace(/\\"/g, '"') };
}

test('names the missing Dataverse application user when Dataverse refuses the bot', () => {
  const run = healthReport('dataverse:forbid');
  expect(run.status).toBe(0);
  expect(run.said).toContain('Tenant health report');
  expect(run.said).toMatch(
    /"title":"connection references in Contoso [^"]+","value":"the bot has no application user with read access/,
  );
  expect(run.said).toContain('docs/deployment.md');
  expect(run.said).not.toMatch(/at .*\.ts:\d+/);
});

test('names the Power Platform management app registration when the admin APIs refuse the bot', () => {
  const run = healthReport('bap:forbid');
  expect(run.status).toBe(0);
  expect(run.said).toMatch(
    /"title":"the list of environments","value":"the bot is not registered as a Power Platform management app/,
  );
  expect(run.said).toContain('New-PowerAppManagementApp');
});

test('says flows could not be read when the Flow admin API refuses the bot, instead of showing none', () => {
  const run = healthReport('flow:forbid');
  expect(run.status).toBe(0);
  expect(run.said).toMatch(
    /"title":"flows in Contoso PROD","value":"the bot is not registered as a Power Platform management app/,
  );
});
