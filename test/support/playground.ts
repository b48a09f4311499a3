/**
 * Drives the Microsoft 365 Agents Playground for browser tests: one playground per person (its own folder with a
 * .m365agentsplayground.yml whose currentUser is that person, its own port), all talking to the same bot, and
 * Debian's Chromium through playwright-core. Proactive messages reach a person's playground once their page has
 * opened (the playground sends installationUpdate, and the bot stores that conversation).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { TENANT_ID, USERS } from '../../src/emulator/fixture';

const root = path.resolve(__dirname, '..', '..');

export interface Persona {
  id: string;
  name: string;
  upn: string;
  aadObjectId: string;
}

export const PERSONAS: Record<'megan' | 'adele' | 'alex' | 'isaiah' | 'patti' | 'lynne', Persona> = {
  alex: {
    id: 'user-id-0',
    name: 'Alex Wilber',
    upn: 'alexw@example.com',
    aadObjectId: USERS.alex.id,
  },
  megan: {
    id: 'user-id-1',
    name: 'Megan Bowen',
    upn: 'meganb@example.com',
    aadObjectId: USERS.megan.id,
  },
  adele: {
    id: 'user-id-2',
    name: 'Adele Vance',
    upn: 'adelev@example.com',
    aadObjectId: USERS.adele.id,
  },
  isaiah: {
    id: 'user-id-3',
    name: 'Isaiah Langer',
    upn: 'isaiah@example.com',
    aadObjectId: USERS.isaiah.id,
  },
  // The playground refuses to start (exit 1) unless its users list has all of its mock users.
  patti: {
    id: 'user-id-4',
    name: 'Patti Fernandez',
    upn: 'pattif@example.com',
    aadObjectId: USERS.patti.id,
  },
  lynne: {
    id: 'user-id-5',
    name: 'Lynne Robbins',
    upn: 'lynner@example.com',
    aadObjectId: USERS.lynne.id,
  },
};

/** Where Chromium is, or an error that says how to get it. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    Boolean,
  ) as string[];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new Error(
      'Chromium is needed for the browser tests: install it with `apt-get install -y chromium` (or set CHROMIUM_PATH), ' +
        'or set SKIP_BROWSER_TESTS=1 to skip them on this machine.',
    );
  }
  return found;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function configFor(persona: Persona): string {
  const others = Object.values(PERSONAS).filter((p) => p.id !== persona.id);
  const user = (p: Persona, indent: string) =>
    [
      `${indent}id: ${p.id}`,
      `${indent}name: ${p.name}`,
      `${indent}userPrincipleName: ${p.upn}`,
      `${indent}aadObjectId: ${p.aadObjectId}`,
      `${indent}givenName: ${p.name.split(' ')[0]}`,
      `${indent}surname: ${p.name.split(' ')[1]}`,
      `${indent}email: ${p.upn}`,
    ].join('\n');
  return [
    'version: "0.1.1"',
    `tenantId: ${TENANT_ID}`,
    'bot:',
    '  id: 00000000-0000-0000-0000-00000000000011',
    '  name: Connection Ops',
    'currentUser:',
    user(persona, '  '),
    'users:',
    ...others.map((p) => user(p, '    ').replace(/^ {4}/, '  - ')),
    'personalChat:',
    `  id: personal-${persona.aadObjectId}`,
    'groupChat:',
    `  id: group-${persona.aadObjectId}`,
    '  name: Group Chat',
    'team:',
    '  id: team-id',
    '  name: Power Platform',
    '  aadGroupId: 00000000-0000-0000-0000-000000000031',
    '  channels:',
    '    - id: channel-connection-ops',
    '      name: Connection Ops',
    '',
  ].join('\n');
}

export interface RunningPlayground {
  url: string;
  stop(): Promise<void>;
}

export async function startPlayground(persona: Persona, botMessagesUrl: string): Promise<RunningPlayground> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `playground-${persona.id}-`));
  fs.writeFileSync(path.join(dir, '.m365agentsplayground.yml'), configFor(persona));
  const port = await freePort();
  const child: ChildProcess = spawn(
    path.join(root, 'node_modules', '.bin', 'agentsplayground'),
    ['start', '-e', botMessagesUrl, '-c', 'msteams', '-p', String(port), '--disable-telemetry'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`the playground for ${persona.name} did not start (exit ${child.exitCode}):\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Types a message in the playground's compose box (a Lexical editor) and sends it. */
export async function say(page: Page, text: string): Promise<void> {
  const box = page.locator('[data-lexical-editor="true"]');
  await box.click();
  await box.type(text);
  await page.keyboard.press('Enter');
}
