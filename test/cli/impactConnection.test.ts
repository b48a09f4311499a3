/**
 * One connection as the subject, through the chat CLI (issue 19: "X is … a connection", [Re-point references] for a
 * connection), and a re-point whose target is named in the sentence: one process for all the turns. What each
 * card must show: that connection only and what uses it; a choice when the description fits several; nothing of
 * someone else's to a maker; the preview on the named target, or the reason it cannot be one.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

interface Output {
  id?: string;
  replies: { text: string; cards: object[] }[];
  understood?: { intent: string; entities: Record<string, unknown> };
}

function jsonl(lines: object[]): Map<string | undefined, Output> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'impact-connection-cli-')), 'in.jsonl');
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts', '--jsonl', file], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'error' },
    encoding: 'utf8',
    timeout: 180_000,
  });
  expect(run.stderr).not.toMatch(/No card of|has neither/);
  expect(run.status).toBe(0);
  const outputs = run.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Output);
  return new Map(outputs.map((o) => [o.id, o]));
}

const said = (o: Output | undefined): string => JSON.stringify(o?.replies ?? '').replace(/\\"/g, '"');

/** The Action.Execute buttons of the replies: title, verb and data. */
function buttons(o: Output | undefined): { title: string; verb?: string; data?: Record<string, unknown> }[] {
  const found: { title: string; verb?: string; data?: Record<string, unknown> }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (n.type === 'Action.Execute') {
        found.push({ title: String(n.title), verb: n.verb as string, data: n.data as Record<string, unknown> });
      }
      Object.values(n).forEach(visit);
    }
  };
  visit(o?.replies);
  return found;
}

const ADMIN = 'alexw@example.com';
const LEE_DATAVERSE = 'c1a00000000040008000000000000008';
const LEE_SHAREPOINT = 'c1a00000000040008000000000000009';

describe('chat CLI: what depends on one connection, and a re-point to a named connection', () => {
  const byId = jsonl([
    { id: 'leeSharePoint', as: ADMIN, text: "what depends on Lee's SharePoint connection" },
    { id: 'refresh', as: ADMIN, click: 'Refresh' },
    { id: 'appUser', as: ADMIN, text: 'what breaks if I delete the shared-commondataservice connection of AppUser' },
    { id: 'd365', as: ADMIN, text: 'impact of the D365-App-Registration Dataverse connection' },
    { id: 'megan', as: ADMIN, text: "what depends on Megan's SharePoint connection" },
    { id: 'meganProd', as: ADMIN, click: 'SharePoint (Megan Bowen) · Contoso PROD' },
    { id: 'maker', as: 'adelev@example.com', text: "what depends on Lee's SharePoint connection" },
    { id: 'leeDataverse', as: ADMIN, text: 'what depends on the Dataverse connection of Lee Gu?' },
    { id: 'repointFromCard', as: ADMIN, click: 'Re-point references' },
    {
      id: 'repointAtD365',
      as: 'lynner@example.com',
      text: "point Vendor Management's references at the D365-App-Registration connection",
    },
    { id: 'techUser', as: ADMIN, text: "What would be affected if I delete TechUser's SharePoint connection?" },
    {
      id: 'switchTo',
      as: 'lynner@example.com',
      text: 'switch the references of Vendor Management to the Dataverse connection of D365-App-Registration',
    },
    {
      id: 'repointAtPerson',
      as: 'lynner@example.com',
      text: "point Vendor Management's references at Megan's Dataverse connection",
    },
  ]);

  it("shows Lee's SharePoint connection only, what uses it, and [Re-point references] for its solution", () => {
    const o = byId.get('leeSharePoint');
    expect(o?.understood).toMatchObject({ intent: 'impact', entities: { connectionId: LEE_SHAREPOINT } });
    const text = said(o);
    expect(text).toContain('What depends on SharePoint (Lee Gu)');
    expect(text).toContain('VM SharePoint Connection Ref');
    expect(text).toContain('Vendor onboarding');
    // Not everything of Lee Gu: his Dataverse connection and the flow only it serves are not on this card.
    for (const other of ['Dataverse (Lee Gu)', 'VM Dataverse Connection Ref', 'Nightly export']) {
      expect(text).not.toContain(other);
    }
    expect(buttons(o)).toContainEqual({
      title: 'Re-point references',
      verb: 'repoint.request',
      data: expect.objectContaining({ solutionName: 'Vendor Management', fromConnectionName: LEE_SHAREPOINT }),
    });
  });

  it('[Refresh] reads the same connection again', () => {
    const text = said(byId.get('refresh'));
    expect(text).toContain('What depends on SharePoint (Lee Gu)');
    expect(text).toContain('VM SharePoint Connection Ref');
    expect(text).not.toContain('Nightly export');
  });

  it("reads a portal-style connector id and an app's first word: AppUser_Dataverse_PRD's Dataverse connection", () => {
    const text = said(byId.get('appUser'));
    expect(text).toContain('What depends on Dataverse (AppUser_Dataverse_PRD)');
    expect(text).toContain('LUNCH Dataverse Connection Ref');
    expect(text).toContain('Lunch order - create and store document');
    expect(text).not.toContain('D365-App-Registration');
  });

  it("answers about D365-App-Registration's Dataverse connection instead of asking 'Did you mean'", () => {
    const o = byId.get('d365');
    expect(o?.understood?.intent).toBe('impact');
    const text = said(o);
    expect(text).not.toContain('Did you mean');
    expect(text).toContain('What depends on Dataverse (D365-App-Registration)');
    expect(text).toContain('ABCSOL DataVerse Connection Ref');
  });

  it('asks which of the connections a description fits, and the choice answers about that one', () => {
    const ask = said(byId.get('megan'));
    expect(ask).toContain('Which connection?');
    expect(ask).toContain('SharePoint (Megan Bowen) · Contoso PROD');
    expect(ask).toContain('SharePoint (Megan Bowen) · Contoso DEV');
    expect(ask).not.toContain('What depends on');
    const chosen = said(byId.get('meganProd'));
    expect(chosen).toContain('What depends on SharePoint (Megan Bowen)');
    expect(chosen).toContain('Site request intake');
    expect(chosen).not.toContain('Weekly report');
  });

  it("tells a maker nothing of someone else's connection", () => {
    const text = said(byId.get('maker'));
    expect(text).toContain('I found no connection like');
    for (const hidden of [LEE_SHAREPOINT, 'SharePoint (Lee Gu)', 'VM SharePoint', 'Vendor onboarding']) {
      expect(text).not.toContain(hidden);
    }
  });

  it("[Re-point references] on a connection's card moves only the references bound to that connection", () => {
    expect(byId.get('leeDataverse')?.understood?.entities.connectionId).toBe(LEE_DATAVERSE);
    const text = said(byId.get('repointFromCard'));
    expect(text).toContain('Re-point the connection references of Vendor Management');
    expect(text).toMatch(/VM Dataverse Connection Ref[^"]*","value":"Dataverse \(Lee Gu\) → Dataverse \(/);
    expect(text).not.toContain('VM SharePoint Connection Ref');
  });

  it("reads a person's first word with a possessive as the owner, and the connector after it", () => {
    const text = said(byId.get('techUser'));
    expect(text).toContain('What depends on SharePoint (TechUser_Sharepoint_PRD)');
    expect(text).toContain('LUNCH SharePoint Connection Ref');
    expect(text).not.toContain('Word Online (TechUser_Sharepoint_PRD)');
  });

  it.each(['repointAtD365', 'switchTo'])('a re-point to a connection named in the sentence uses it (%s)', (id) => {
    const text = said(byId.get(id));
    expect(text).toContain('"value":"Dataverse (Lee Gu) → Dataverse (D365-App-Registration)"');
    expect(text).not.toContain('AppUser_Dataverse_PRD');
  });

  it('a named target that cannot work is refused with the reason', () => {
    const text = said(byId.get('repointAtPerson'));
    expect(text).toContain('None of the connection references of Vendor Management can be re-pointed');
    expect(text).toContain('Dataverse (Megan Bowen) signs in as a person');
    expect(text).not.toContain('Send request');
  });
});
