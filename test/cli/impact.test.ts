/**
 * "What depends on X?" through the chat CLI (issue 19's done-when), one process for the three questions: an admin
 * asking about a leaver and about an app registration whose secret expires, and a maker asking about someone
 * else's items.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

interface Output {
  id?: string;
  replies: { text: string; cards: object[] }[];
  understood?: { intent: string };
}

function jsonl(lines: object[]): Map<string | undefined, Output> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'impact-cli-')), 'in.jsonl');
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts', '--jsonl', file], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'error' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.status).toBe(0);
  const outputs = run.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Output);
  return new Map(outputs.map((o) => [o.id, o]));
}

const said = (o: Output | undefined): string => JSON.stringify(o?.replies ?? '').replace(/\\"/g, '"');

describe('chat CLI: what depends on X', () => {
  const byId = jsonl([
    { id: 'lee', as: 'alexw@example.com', text: 'what depends on Lee Gu?' },
    { id: 'd365', as: 'alexw@example.com', text: "what breaks if D365-App-Registration's secret expires?" },
    { id: 'maker', as: 'adelev@example.com', text: 'what depends on Lee Gu?' },
  ]);

  it('lists Vendor onboarding and Nightly export with both references and both connections for Lee Gu', () => {
    const lee = byId.get('lee');
    expect(lee?.understood?.intent).toBe('impact');
    const text = said(lee);
    for (const expected of [
      'Vendor onboarding',
      'Nightly export',
      'VM Dataverse Connection Ref',
      'VM SharePoint Connection Ref',
      'Dataverse (Lee Gu)',
      'SharePoint (Lee Gu)',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toMatch(/coming soon/);
  });

  it("lists D365-App-Registration's connection and what uses it, with its secret's expiry and [Rotate]", () => {
    const text = said(byId.get('d365'));
    expect(text).toContain('Dataverse (D365-App-Registration)');
    expect(text).toContain('ABCSOL DataVerse Connection Ref');
    expect(text).toContain('ABCSOL - sync accounts');
    expect(text).toContain('"title":"Secret D365AppSecret","value":"expires in 10 days');
    expect(text).toContain('"title":"Rotate"');
  });

  it("shows a maker nothing of someone else's connections and flows", () => {
    const text = said(byId.get('maker'));
    expect(text).toMatch(/No connection of yours runs as Lee Gu/);
    for (const hidden of ['Vendor onboarding', 'Nightly export', 'VM Dataverse', '(Lee Gu)']) {
      expect(text).not.toContain(hidden);
    }
  });
});
