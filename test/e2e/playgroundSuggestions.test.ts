/**
 * The buttons that ask the bot something in the person's words (welcome suggestions, "Did you mean", follow-ups),
 * clicked in a real client: the bot on the demo tenant, one Microsoft 365 Agents Playground for Megan, driven in
 * Debian's Chromium. The Playground sends nothing for an Action.Submit whose data is an imBack, so these buttons
 * are Action.Execute (the chat.ask verb); this file proves that a click reaches the bot and is answered. Screenshots
 * go to test-artifacts/e2e/ (ignored by git). SKIP_BROWSER_TESTS=1 skips the file, as playground.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { compose, type Composition } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { launchChromium, PERSONAS, say, startPlayground, type RunningPlayground } from '../support/playground';

const skip = process.env.SKIP_BROWSER_TESTS === '1';
const describeBrowser = skip ? describe.skip : describe;
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'e2e');
const WAIT = 30_000;

describeBrowser('buttons that ask, in the Microsoft 365 Agents Playground', () => {
  jest.setTimeout(120_000);
  let server: RunningServer;
  let composition: Composition;
  let browser: Browser;
  let playground: RunningPlayground;
  let page: Page;
  let dataDir: string;

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  const lastButton = (title: string) => page.getByRole('button', { name: title, exact: true }).last();

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-ask-'));
    composition = await compose(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }), {
      startJobs: true,
    });
    server = await startServer(composition, { port: 0, host: '127.0.0.1' });
    playground = await startPlayground(PERSONAS.megan, `${server.url}/api/messages`);
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(playground.url);
    // The playground installs the app on load: the welcome card with its suggestions.
    await page.getByText('Try one of these, or ask a question in your own words:').first().waitFor({ timeout: WAIT });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await playground?.stop().catch(() => undefined);
    await server?.shutdown().catch(() => undefined);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a welcome suggestion is answered as if Megan had typed it', async () => {
    await shot('ask-1a-welcome');
    await lastButton('Are my connections OK?').click();
    // Her connections card, the same answer as typing "are my connections ok?", after what she asked (the welcome
    // card keeps its other suggestions).
    await page.getByText('Your connections').last().waitFor({ timeout: WAIT });
    await page.getByText('You asked: are my connections ok?').last().waitFor({ timeout: WAIT });
    await lastButton('What expires soon?').waitFor({ timeout: WAIT });
    await shot('ask-1b-welcome-answered');
  });

  it('a "Did you mean" choice is answered, and the card says what was asked', async () => {
    await say(page, 'Weekly report');
    await page.getByText('Did you mean:').last().waitFor({ timeout: WAIT });
    await shot('ask-2a-did-you-mean');
    await lastButton('Diagnose flow Weekly report').click();
    // The diagnosis of Weekly report (Megan owns it, and its connections work), and the "Did you mean" card now
    // says what she chose instead of offering the choices again.
    await page.getByText('Every connection this flow needs works').last().waitFor({ timeout: WAIT });
    await page.getByText('You asked: diagnose flow Weekly report').last().waitFor({ timeout: WAIT });
    expect(await page.getByText('Did you mean:').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'What depends on Weekly report?' }).count()).toBe(0);
    await shot('ask-2b-did-you-mean-answered');
  });
});
