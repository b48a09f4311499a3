/**
 * The chat CLI's contract, as tests, benchmarks and ../shared/qa/score.mjs use it: run as a separate process,
 * exactly as `npm run --silent chat -- …` does, on a fresh demo tenant each run.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { ENVIRONMENTS, FLOWS } from '../../src/emulator/fixture';

const root = path.resolve(__dirname, '..', '..');

interface Output {
  id?: string;
  replies: { text: string; cards: object[] }[];
  notifications: { to: string; text: string; cards: object[]; updated?: boolean }[];
}

function chat(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function jsonl(lines: object[], env: NodeJS.ProcessEnv = {}) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chat-test-')), 'in.jsonl');
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const run = chat(['--jsonl', file], env);
  const outputs = run.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Output);
  return { ...run, outputs, byId: new Map(outputs.map((o) => [o.id, o])) };
}

/** Every string a person would read in a message: its text and its cards' texts (as the QA scorer reads them). */
const said = (o: Output | { text: string; cards: object[] }[] | undefined): string =>
  JSON.stringify(o ?? '').replace(/\\"/g, '"');

describe('chat CLI contract', () => {
  it('prints valid JSON with at least one reply for --json help', () => {
    const run = chat(['--json', 'help']);
    expect(run.status).toBe(0);
    const output = JSON.parse(run.stdout) as Output;
    expect(output.replies.length).toBeGreaterThan(0);
    expect(output.replies[0].cards[0]).toMatchObject({ type: 'AdaptiveCard' });
    expect(output.notifications).toEqual([]);
  });

  it('answers what it can, then fails clearly on an unknown user, an unknown button and a bad line', () => {
    const unknownUser = jsonl([
      { id: 'a', text: 'help' },
      { id: 'b', as: 'nobody@example.com', text: 'help' },
    ]);
    expect(unknownUser.status).not.toBe(0);
    expect(unknownUser.byId.get('a')?.replies.length).toBeGreaterThan(0);
    expect(unknownUser.stderr).toMatch(/Unknown user "nobody@example.com"/);

    const unknownButton = jsonl([
      { id: 'a', text: 'help' },
      { id: 'b', click: 'Launch the rockets' },
    ]);
    expect(unknownButton.status).not.toBe(0);
    expect(unknownButton.byId.has('a')).toBe(true);
    expect(unknownButton.stderr).toMatch(/button titled "Launch the rockets"/);

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chat-test-')), 'bad.jsonl');
    fs.writeFileSync(file, '{"id":"a","text":"help"}\n{not json\n');
    const bad = chat(['--jsonl', file]);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout.split('\n').filter((l) => l.trim())).toHaveLength(1);
    expect(bad.stderr).toMatch(/line 2 is not valid JSON/);
  });
});

describe('issue scenarios through the chat CLI on the demo tenant', () => {
  it('status, diagnosis, expiry and health report come out right for each persona', () => {
    const run = jsonl([
      { id: 'megan', as: 'meganb@example.com', text: 'show my connections' },
      { id: 'adele', as: 'adelev@example.com', text: "why can't I turn on Weekly report" },
      { id: 'alex-secrets', as: 'alexw@example.com', text: 'which secrets expire in the next 30 days' },
      { id: 'alex-health', as: 'alexw@example.com', text: 'health report' },
      { id: 'adele-health', as: 'adelev@example.com', text: 'health report' },
    ]);
    expect(run.status).toBe(0);

    const megan = said(run.byId.get('megan'));
    expect(megan).toMatch(/Error/);
    expect(megan).toMatch(/could not be refreshed/);

    const adele = said(run.byId.get('adele'));
    expect(adele).toMatch(/Outlook connection .{0,80} belongs to Megan Bowen and is not shared with you/);
    expect(adele).toMatch(/SharePoint connection .{0,80} belongs to Megan Bowen and is not shared with you/);
    // OAuth connections: no share offered to a person, the owner is asked to turn the flow on once instead.
    expect(adele).not.toMatch(/"title":"Request access"/);
    expect(adele).toMatch(/"title":"Ask Megan Bowen to turn it on"/);

    const secrets = said(run.byId.get('alex-secrets'));
    expect(secrets).toMatch(/D365-App-Registration/);
    expect(secrets).toMatch(/Lunch-Order-App/);
    expect(secrets).toMatch(/CoE-Sync-SP[^]*expired 3 days ago/);
    expect(secrets).not.toMatch(/AppUser_Dataverse_PRD/);

    const health = said(run.byId.get('alex-health'));
    for (const finding of [
      /System Administrator/,
      /Lee Gu/,
      /Vendor onboarding|Nightly export/,
      /Legacy-Integration/,
      /cr6a1_sharedcommondataserviceforapps_5f2c1/,
      /ABCSOL DataVerse Connection Ref/,
      /CoE-Sync-SP/,
    ]) {
      expect(health).toMatch(finding);
    }
    expect(said(run.byId.get('adele-health'))).toMatch(/admin/i);
    expect(said(run.byId.get('adele-health'))).not.toMatch(/Lee Gu/);
  });

  it("Stock alerts: Megan's SQL login connection is shared with Adele after Megan approves; Adele can then turn it on", () => {
    const run = jsonl([
      { id: 'hi', as: 'meganb@example.com', text: 'hi' },
      { id: 'diagnose', as: 'adelev@example.com', text: "why can't I turn on Stock alerts" },
      { id: 'request', as: 'adelev@example.com', click: 'Request access' },
      { id: 'send', as: 'adelev@example.com', click: 'Send request', inputs: { justification: 'Megan is away' } },
      { id: 'approve', as: 'meganb@example.com', click: 'Approve', inputs: { comment: 'ok' } },
      { id: 'again', as: 'adelev@example.com', text: "why can't I turn on Stock alerts" },
    ]);
    expect(run.status).toBe(0);
    expect(said(run.byId.get('diagnose'))).toMatch(/SQL Server connection .{0,80} belongs to Megan Bowen/);
    const send = run.byId.get('send')!;
    expect(send.notifications.some((n) => n.to === 'meganb@example.com' && /Approve/.test(said([n])))).toBe(true);
    const approve = run.byId.get('approve')!;
    expect(said(approve.replies)).toMatch(/done/);
    expect(approve.notifications.some((n) => n.to === 'adelev@example.com' && /Shared/.test(n.text))).toBe(true);
    expect(said(run.byId.get('again'))).toMatch(/may be used by you/);
  });

  it('Weekly report: no share offered, and "share my Outlook connection with Adele" is refused politely', () => {
    const run = jsonl([
      { id: 'share', as: 'meganb@example.com', text: 'share my Outlook connection in DEV with Adele' },
      { id: 'diagnose', as: 'adelev@example.com', text: "why can't I turn on Weekly report" },
    ]);
    expect(run.status).toBe(0);
    expect(said(run.byId.get('share'))).toMatch(/OAuth connection: it can be shared only with a service principal/);
    expect(said(run.byId.get('share'))).not.toMatch(/Send request/);
    expect(said(run.byId.get('diagnose'))).not.toMatch(/Request access/);
  });

  it('shares an OAuth connection with the ALM-Pipeline-SP service principal through approval', () => {
    const run = jsonl([
      { id: 'hi', as: 'lynner@example.com', text: 'hi' },
      { id: 'share', as: 'alexw@example.com', text: 'share the Word Online connection in PROD with ALM-Pipeline-SP' },
      { id: 'send', as: 'alexw@example.com', click: 'Send request', inputs: { justification: 'pipeline imports' } },
      { id: 'approve', as: 'lynner@example.com', click: 'Approve', inputs: { comment: 'ok' } },
    ]);
    expect(run.status).toBe(0);
    expect(said(run.byId.get('share'))).toMatch(/ALM-Pipeline-SP/);
    expect(run.byId.get('send')?.notifications.some((n) => n.to === 'lynner@example.com')).toBe(true);
    expect(said(run.byId.get('approve')?.replies)).toMatch(/done/);
  });

  it('rotates D365-App-Registration after an approver agrees, never showing the secret', () => {
    const run = jsonl(
      [
        { id: 'alex', as: 'alexw@example.com', text: 'hi' },
        { id: 'isaiah', as: 'isaiah@example.com', text: 'hi' },
        { id: 'request', as: 'meganb@example.com', text: 'rotate the secret of D365-App-Registration' },
        {
          id: 'send',
          as: 'meganb@example.com',
          click: 'Send request',
          inputs: { justification: 'expires in 10 days' },
        },
        { id: 'approve', as: 'alexw@example.com', click: 'Approve', inputs: { comment: 'go' } },
        { id: 'status', as: 'alexw@example.com', text: 'which secrets expire in the next 30 days' },
      ],
      { OLD_SECRET_GRACE_HOURS: '0' },
    );
    expect(run.status).toBe(0);
    const send = run.byId.get('send')!;
    const approvers = send.notifications.map((n) => n.to).sort();
    expect(approvers).toEqual(['alexw@example.com', 'isaiah@example.com']);
    expect(said(run.byId.get('approve')?.replies)).toMatch(/old secret was removed/);
    // The new secret expires in 180 days, so D365-App-Registration leaves the 30-day list.
    expect(said(run.byId.get('status'))).not.toMatch(/D365-App-Registration/);
    // No output may carry anything that looks like a client secret value (40 random characters from the emulator).
    expect(run.stdout).not.toMatch(/"secretText"/);
  });
});

/**
 * One chat CLI process fed line by line on stdin (`--jsonl -`), on a demo tenant running in this test process
 * (EMULATOR_INFO), so the test can act in the tenant between two inputs — as Megan turning a flow on in the portal.
 */
class LiveChat {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly lines: string[] = [];

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts', '--jsonl', '-'], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'error', ...env },
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        if (!line.trim()) continue;
        const next = this.waiting.shift();
        if (next) next(line);
        else this.lines.push(line);
      }
    });
  }

  send(input: object): Promise<Output> {
    this.child.stdin.write(`${JSON.stringify(input)}\n`);
    const queued = this.lines.shift();
    const line = queued ? Promise.resolve(queued) : new Promise<string>((resolve) => this.waiting.push(resolve));
    return line.then((l) => JSON.parse(l) as Output);
  }

  async close(): Promise<number | null> {
    this.child.stdin.end();
    return new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }
}

describe('the "turn it on once" story through the chat CLI', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(() => emulator.close());

  it('Megan gets the card; Adele is told only after the demo tenant shows Weekly report on', async () => {
    const chatProcess = new LiveChat({ EMULATOR_INFO: JSON.stringify(emulator.info) });
    try {
      await chatProcess.send({ id: 'hi', as: 'meganb@example.com', text: 'hi' });
      const diagnose = await chatProcess.send({ as: 'adelev@example.com', text: "why can't I turn on Weekly report" });
      expect(said(diagnose)).not.toMatch(/Request access/);
      const ask = await chatProcess.send({ as: 'adelev@example.com', click: 'Ask Megan Bowen to turn it on' });
      expect(said(ask.replies)).toMatch(/I asked Megan Bowen to turn on Weekly report once/);
      const card = ask.notifications.find((n) => n.to === 'meganb@example.com');
      expect(said(card ? [card] : [])).toMatch(/Adele Vance asks you to turn on Weekly report once/);
      expect(said(card ? [card] : [])).toMatch(/"title":"I turned it on"/);

      const early = await chatProcess.send({ as: 'meganb@example.com', click: 'I turned it on' });
      expect(said(early.replies)).toMatch(/Weekly report is still off/);
      expect(early.notifications).toEqual([]);

      // Megan turns the flow on in Power Automate (as herself, on the same demo tenant).
      const token = emulator.control.userToken('meganb@example.com', 'https://service.flow.microsoft.com/.default');
      const started = await fetch(
        `${emulator.info.flow}/providers/Microsoft.ProcessSimple/environments/${ENVIRONMENTS.dev.id}/flows/${FLOWS.weeklyReport}/start?api-version=2016-11-01`,
        { method: 'POST', headers: { authorization: `Bearer ${token}` } },
      );
      expect(started.status).toBe(200);

      const done = await chatProcess.send({ as: 'meganb@example.com', click: 'I turned it on' });
      expect(said(done.replies)).toMatch(/Weekly report is on/);
      expect(done.notifications.map((n) => [n.to, n.text])).toEqual([
        ['adelev@example.com', expect.stringMatching(/Megan Bowen turned on Weekly report/)],
      ]);
      const again = await chatProcess.send({ as: 'adelev@example.com', text: "why can't I turn on Weekly report" });
      expect(said(again)).not.toMatch(/ConnectionAuthorizationFailed/);
      expect(said(again)).toMatch(/the flow has permission to use it/);
    } finally {
      expect(await chatProcess.close()).toBe(0);
    }
  }, 120_000);
});
