/**
 * End to end in a real client: the bot on the demo tenant, one Microsoft 365 Agents Playground per person, driven
 * in Debian's Chromium. A screenshot per step goes to test-artifacts/e2e/ (kept after the run, ignored by git: look
 * at them to see what a person saw). SKIP_BROWSER_TESTS=1 skips the file (CI never does); without Chromium the tests
 * fail and say how to install it. One bot and one playground per person serve every scenario: a second set would
 * double the file's run time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { listTemplates, renderCard } from '../../src/cards/renderCard';
import { compose, type Composition } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import {
  launchChromium,
  PERSONAS,
  say,
  startPlayground,
  type Persona,
  type RunningPlayground,
} from '../support/playground';
import { techUserSharesSharePointWithBot } from '../support/techUserShare';

const skip = process.env.SKIP_BROWSER_TESTS === '1';
const describeBrowser = skip ? describe.skip : describe;
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'e2e');
const WAIT = 30_000;

describeBrowser('Connection Ops in the Microsoft 365 Agents Playground', () => {
  jest.setTimeout(180_000);
  let server: RunningServer;
  let composition: Composition;
  let browser: Browser;
  let dataDir: string;
  const playgrounds: RunningPlayground[] = [];
  const pages = new Map<string, Page>();

  async function open(persona: Persona): Promise<Page> {
    const playground = await startPlayground(persona, `${server.url}/api/messages`);
    playgrounds.push(playground);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(playground.url);
    // The playground installs the app on load; the welcome card proves the bot knows this conversation.
    await page.getByText('Connection Ops').first().waitFor({ timeout: WAIT });
    await page.getByText('I answer questions about Power Automate').first().waitFor({ timeout: WAIT });
    pages.set(persona.id, page);
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  }

  /** The newest message's button with this title (cards further up keep their own buttons). */
  const lastButton = (page: Page, title: string) => page.getByRole('button', { name: title, exact: true }).last();

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium(); // fails with install instructions when Chromium is missing
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      OLD_SECRET_GRACE_HOURS: '0',
      // Every step an operation reports reaches its cards at once (production: at most every 15 s), so a rotation's
      // step list can be watched changing within the few seconds it runs on the demo tenant.
      PROGRESS_CARD_SECONDS: '0',
    });
    composition = await compose(config, { startJobs: true });
    // The handover (7.) binds Lee Gu's SharePoint reference to the technical user's connection: its owner shares it
    // with the bot first, as on a real tenant.
    await techUserSharesSharePointWithBot(composition.emulator!);
    server = await startServer(composition, { port: 0, host: '127.0.0.1' });
    for (const persona of [PERSONAS.megan, PERSONAS.adele, PERSONAS.alex, PERSONAS.isaiah, PERSONAS.lynne]) {
      await open(persona);
    }
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await Promise.all(playgrounds.map((p) => p.stop().catch(() => undefined)));
    await server?.shutdown().catch(() => undefined);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('1. Megan asks what a connection reference is and gets an answer card with its source link', async () => {
    const page = pages.get(PERSONAS.megan.id)!;
    await say(page, 'what is a connection reference?');
    await page.getByText('Sources').last().waitFor({ timeout: WAIT });
    const link = page.locator('a[href^="https://learn.microsoft.com"]').last();
    await link.waitFor({ timeout: WAIT });
    expect(await link.getAttribute('href')).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    await shot(page, '1-megan-answer');
  });

  it('2. Megan sees her connections, including the one in Error', async () => {
    const page = pages.get(PERSONAS.megan.id)!;
    await say(page, 'show my connections');
    await page.getByText('Your connections').last().waitFor({ timeout: WAIT });
    await page
      .getByText(/could not be refreshed/)
      .last()
      .waitFor({ timeout: WAIT });
    await shot(page, '2-megan-connections');
  });

  it('3. Adele asks why Stock alerts will not turn on, requests access to the SQL connection and confirms', async () => {
    const page = pages.get(PERSONAS.adele.id)!;
    await say(page, "why can't I turn on Stock alerts");
    await page
      .getByText(/belongs to Megan Bowen and is not shared with you/)
      .first()
      .waitFor({ timeout: WAIT });
    await shot(page, '3a-adele-diagnosis');
    await lastButton(page, 'Request access').click();
    await page
      .getByText(/Confirm: Share a connection/)
      .last()
      .waitFor({ timeout: WAIT });
    await page
      .locator('textarea, input[type="text"]')
      .last()
      .fill('I co-own Stock alerts and run it while Megan is away');
    await shot(page, '3b-adele-confirm');
    await lastButton(page, 'Send request').click();
    await page
      .getByText(/Sent to .*Megan Bowen/)
      .last()
      .waitFor({ timeout: WAIT });
    await shot(page, '3c-adele-sent');
  });

  it("4. Megan approves; her card shows the final state and Adele's chat shows the result", async () => {
    const megan = pages.get(PERSONAS.megan.id)!;
    await megan
      .getByText(/Approval needed: Share a connection/)
      .last()
      .waitFor({ timeout: WAIT });
    await shot(megan, '4a-megan-approval-card');
    await lastButton(megan, 'Approve').click();
    await megan
      .getByText(/Approved by Megan Bowen — (running|done)/)
      .last()
      .waitFor({ timeout: WAIT });
    const adele = pages.get(PERSONAS.adele.id)!;
    await adele
      .getByText(/Your request to share .* Shared/)
      .last()
      .waitFor({ timeout: WAIT });
    await shot(megan, '4b-megan-final');
    await shot(adele, '4c-adele-result');
  });

  it('4d. Adele asks why Weekly report will not turn on: no share offered, Megan is asked to turn it on once', async () => {
    const adele = pages.get(PERSONAS.adele.id)!;
    await say(adele, "why can't I turn on Weekly report");
    await adele
      .getByText(/can be shared only with a service principal/)
      .first()
      .waitFor({ timeout: WAIT });
    await shot(adele, '4d-adele-weekly-diagnosis');
    await lastButton(adele, 'Ask Megan Bowen to turn it on').click();
    await adele
      .getByText(/I asked Megan Bowen to turn on Weekly report once/)
      .last()
      .waitFor({ timeout: WAIT });
    const megan = pages.get(PERSONAS.megan.id)!;
    await megan
      .getByText(/Adele Vance asks you to turn on Weekly report once/)
      .last()
      .waitFor({ timeout: WAIT });
    await lastButton(megan, 'I turned it on').waitFor({ timeout: WAIT });
    await shot(megan, '4e-megan-turn-on-card');
  });

  it('5. Alex starts a rotation of D365-App-Registration from the expiry card, Isaiah approves it and both watch its steps', async () => {
    const alex = pages.get(PERSONAS.alex.id)!;
    await say(alex, 'which secrets expire soon');
    await alex.getByText('D365-App-Registration').last().waitFor({ timeout: WAIT });
    await shot(alex, '5a-alex-expiring');
    await lastButton(alex, 'Rotate').first().waitFor({ timeout: WAIT });
    // The first [Rotate] on the card is the soonest to expire: D365-App-Registration (10 days).
    await alex.getByRole('button', { name: 'Rotate', exact: true }).first().click();
    await alex
      .getByText(/Confirm: Rotate the client secret of D365-App-Registration/)
      .last()
      .waitFor({ timeout: WAIT });
    await lastButton(alex, 'Send request').click();
    await alex
      .getByText(/Sent to/)
      .last()
      .waitFor({ timeout: WAIT });
    const isaiah = pages.get(PERSONAS.isaiah.id)!;
    await isaiah
      .getByText(/Approval needed: Rotate the client secret of D365-App-Registration/)
      .last()
      .waitFor({ timeout: WAIT });
    // Entra accepts the new secret only after a few seconds, as it does on a real tenant: the step the cards show
    // while the bot waits for it (the demo tenant accepts at once otherwise, too fast to be seen). Long enough that
    // both pages see the waiting line on a busy machine; the bot polls with backoff, so it waits about 15 s.
    composition.emulator!.control.setSecretPropagationMs(10_000);
    try {
      await lastButton(isaiah, 'Approve').click();
      await isaiah
        .getByText(/Approved by Isaiah Langer — (running|done)/)
        .last()
        .waitFor({ timeout: WAIT });
      for (const [page, name] of [
        [isaiah, '5b-isaiah-rotation-waiting-for-entra'],
        [alex, '5c-alex-rotation-waiting-for-entra'],
      ] as const) {
        await page
          .getByText(/⏳ Waiting for Entra to accept the new secret/)
          .last()
          .waitFor({ timeout: WAIT });
        await page.getByText('✓ Store it in Key Vault').last().waitFor({ timeout: WAIT });
        await shot(page, name);
      }
    } finally {
      composition.emulator!.control.setSecretPropagationMs(0);
    }
    await alex
      .getByText(/old secret was removed/)
      .last()
      .waitFor({ timeout: 60_000 });
    for (const page of [isaiah, alex]) {
      // The final card keeps the list, every step done.
      await page.getByText('✓ Remove the old secret').last().waitFor({ timeout: WAIT });
      await page.getByText('✓ Check that Microsoft Entra accepts it').last().waitFor({ timeout: WAIT });
      // Updated in place: the waiting list was replaced, not followed by a second card.
      expect(await page.getByText(/Waiting for Entra to accept the new secret/).count()).toBe(0);
      expect(await page.getByText('✓ Create a new client secret').count()).toBe(1);
    }
    await shot(isaiah, '5d-isaiah-rotation-done');
    await shot(alex, '5e-alex-rotation-done');
  });

  it('6. each role asks in plain words, not command words, and gets the matching answer', async () => {
    // A maker: her connections, asked as a question.
    const megan = pages.get(PERSONAS.megan.id)!;
    await say(megan, 'are my connections ok?');
    await megan.getByText('Your connections').last().waitFor({ timeout: WAIT });
    // An approver: reminders, with the days in his own words.
    const isaiah = pages.get(PERSONAS.isaiah.id)!;
    await say(isaiah, 'keep me posted, 14 and 3 days before a secret runs out');
    await isaiah
      .getByText(/Subscribed: .*14 and 3 days before/)
      .last()
      .waitFor({ timeout: WAIT });
    // An admin: the health report, asked as a question.
    const alex = pages.get(PERSONAS.alex.id)!;
    await say(alex, 'how healthy is our tenant?');
    await alex.getByText('Tenant health report').last().waitFor({ timeout: WAIT });
    await shot(alex, '6-alex-plain-language');
  });

  it('6b. the health report draws its findings as charts (or, where charts are not drawn, the same numbers as facts)', async () => {
    const alex = pages.get(PERSONAS.alex.id)!;
    await say(alex, 'health report');
    const report = alex
      .locator('.ac-adaptiveCard')
      .filter({ hasText: /findings: \d+ high, \d+ medium, \d+ low/ })
      .last();
    await report.waitFor({ timeout: WAIT });
    // The Playground draws the charts (their titles become the charts' accessible names, legends show as text);
    // a host that does not draws the fallback, a FactSet of the same severities.
    const donut = report.locator('[aria-label^="Findings by severity"]');
    const fallback = report.locator('.ac-factset').filter({ hasText: 'High' }).filter({ hasText: 'Low' });
    await donut.or(fallback).first().waitFor({ timeout: WAIT });
    if (await donut.count()) {
      for (const severity of ['High', 'Medium', 'Low']) {
        await donut.getByText(severity, { exact: true }).first().waitFor({ timeout: WAIT });
      }
      await report.locator('[aria-label^="Findings by kind"]').waitFor({ timeout: WAIT });
    }
    await donut.or(fallback).first().scrollIntoViewIfNeeded();
    await shot(alex, '6b-alex-health-report-chart');
  });

  it('7. Alex asks what depends on Lee Gu, hands his flows over from the impact card, Lynne approves: the final card', async () => {
    const alex = pages.get(PERSONAS.alex.id)!;
    await say(alex, 'what depends on Lee Gu?');
    await alex.getByText('What depends on Lee Gu').last().waitFor({ timeout: WAIT });
    await alex
      .getByText(/Flow \*{0,2}Vendor onboarding/)
      .last()
      .waitFor({ timeout: WAIT });
    await shot(alex, '7a-alex-impact');
    await lastButton(alex, 'Hand over').click();
    // The demo directory records no manager for Lee Gu (who would take over by default): the bot asks who should.
    await alex
      .getByText(/Who should take over Lee Gu's flows\?/)
      .last()
      .waitFor({ timeout: WAIT });
    await say(alex, "hand over Lee Gu's flows to Lynne");
    await alex
      .getByText(/Confirm: Hand over a leaver's flows/)
      .last()
      .waitFor({ timeout: WAIT });
    await alex
      .getByText(/\(the technical user TechUser_Sharepoint_PRD\)/)
      .last()
      .waitFor({ timeout: WAIT });
    await alex.getByText('Not automated').last().waitFor({ timeout: WAIT });
    await alex.locator('textarea, input[type="text"]').last().fill('Lee Gu left in November');
    await shot(alex, '7b-alex-handover-plan');
    await lastButton(alex, 'Send request').click();
    await alex
      .getByText(/Sent to Lynne Robbins/)
      .last()
      .waitFor({ timeout: WAIT });

    const lynne = pages.get(PERSONAS.lynne.id)!;
    await lynne
      .getByText(/Approval needed: Hand over a leaver's flows/)
      .last()
      .waitFor({ timeout: WAIT });
    await shot(lynne, '7c-lynne-approval-card');
    await lastButton(lynne, 'Approve').click();
    for (const page of [lynne, alex]) {
      await page
        .getByText(/Approved by Lynne Robbins — done/)
        .last()
        .waitFor({ timeout: 60_000 });
    }
    await alex
      .getByText(/Handed over to Lynne Robbins: Vendor onboarding, Nightly export\./)
      .last()
      .waitFor({ timeout: WAIT });
    expect(await alex.getByText(/Still to do/).count()).toBe(0);
    await shot(lynne, '7d-lynne-final');
    await shot(alex, '7e-alex-final');
  });

  it('renders every card template with the Adaptive Cards renderer in the browser, without errors', async () => {
    const page = await browser.newPage();
    await page.setContent('<html><body><div id="host"></div></body></html>');
    await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.min.js') });
    const cards = listTemplates().map((name) => ({ name, card: renderCard(name, {}) }));
    expect(cards.length).toBeGreaterThan(10);
    const results = await page.evaluate((items) => {
      const AC = (globalThis as unknown as { AdaptiveCards: typeof import('adaptivecards') }).AdaptiveCards;
      return items.map(({ name, card }) => {
        const adaptive = new AC.AdaptiveCard();
        const context = new AC.SerializationContext();
        adaptive.parse(card, context);
        const events: string[] = [];
        for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i).message);
        const element = adaptive.render();
        const validation = adaptive.validateProperties();
        for (const event of validation.validationEvents) events.push(event.message);
        // With no data, bound values stay as "${…}" text; those are checked with real data elsewhere (and the
        // scenarios above render real cards in the playground). Everything structural must be clean here.
        const structural = events.filter((message) => !message.includes('${'));
        return { name, events: structural, rendered: Boolean(element && element.innerHTML.length > 0) };
      });
    }, cards);
    for (const result of results) {
      expect({ name: result.name, events: result.events }).toEqual({ name: result.name, events: [] });
      expect(result.rendered).toBe(true);
    }
    await page.close();
  });
});
