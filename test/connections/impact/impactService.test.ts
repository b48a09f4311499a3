/**
 * "What depends on X?" (issue 19, part 1) against the demo tenant: from a fresh tenant index it lists without a
 * connection listing and says how old it is; with no index, an old one or [Refresh] it reads live; a maker sees
 * only their own connections and flows; the buttons follow what the caller may do and which operations exist.
 */
import type { AdaptiveCard } from '../../../src/cards/renderCard';
import type { Reply } from '../../../src/cards/reply';
import { ImpactService } from '../../../src/connections/impact/impactService';
import { buildTenantIndex } from '../../../src/connections/tenantIndexBuilder';
import { INDEX_MAX_AGE_MS, TenantIndexSource } from '../../../src/connections/tenantIndexSource';
import { TenantScanner } from '../../../src/notifications/scan/tenantScanner';
import { adaptiveCardProblems } from '../../cards/adaptiveCardProblems';
import { callerFor, USERS, startTestComposition, type TestComposition } from '../../support/testComposition';

const LEE = { subject: 'Lee Gu', subjectType: 'user' as const, subjectId: USERS.lee.id };
const D365 = { subject: 'D365-App-Registration', subjectType: 'app' as const };

let domain: TestComposition;
let index: TenantIndexSource;

beforeAll(async () => {
  domain = await startTestComposition();
  index = new TenantIndexSource((now) => buildTenantIndex(domain.ctx.tenant, now), domain.clock, { autoBuild: false });
});
afterAll(() => domain.close());

/** Every text a person reads on the reply's cards, buttons included ("[Title]"). */
function said(reply: Reply): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (typeof n.text === 'string') out.push(n.text);
      if (typeof n.title === 'string' && typeof n.value === 'string') out.push(`${n.title}: ${n.value}`);
      if (typeof n.type === 'string' && n.type.startsWith('Action.') && typeof n.title === 'string') {
        out.push(`[${n.title}]`);
      }
      Object.values(n).forEach(walk);
    }
  };
  walk(reply.cards);
  if (reply.text) out.push(reply.text);
  return out.join('\n');
}

function actions(reply: Reply): Record<string, unknown>[] {
  return ((reply.cards[0] as AdaptiveCard).actions ?? []) as Record<string, unknown>[];
}

const powerAppsRequests = () => domain.emulator.control.requestCount('powerApps');

describe('what depends on X', () => {
  it('lists Lee Gu’s connections, both references and both Vendor Management flows, read live without an index', async () => {
    const service = new ImpactService(domain.ctx, {});
    const reply = await service.impact(callerFor('alex'), LEE);
    const text = said(reply);
    expect(text).toContain('Dataverse (Lee Gu)');
    expect(text).toContain('SharePoint (Lee Gu)');
    expect(text).toContain('VM Dataverse Connection Ref');
    expect(text).toContain('VM SharePoint Connection Ref');
    expect(text).toContain('Vendor onboarding');
    expect(text).toContain('Nightly export');
    expect(text).toContain('Vendor Management');
    expect(text).toMatch(/account is disabled/);
    expect(text).toMatch(/Read from the tenant just now/);
    // Two flows, though Vendor onboarding uses both connections.
    expect(text).toMatch(/used by 2 flows \(2 on\)/);
    // A leaver's connection is to be replaced, not shared; Hand over is not built yet.
    expect(text).not.toMatch(/\[Share with/);
    expect(text).not.toContain('[Hand over]');
  });

  it('answers from a fresh index without listing connections, says how old it is, and reads live on Refresh', async () => {
    await index.refresh();
    const service = new ImpactService(domain.ctx, { index });
    domain.clock.advance(3 * 60_000);
    const before = powerAppsRequests();
    const reply = await service.impact(callerFor('alex'), LEE);
    expect(powerAppsRequests()).toBe(before);
    const text = said(reply);
    expect(text).toMatch(/As of the last read of the tenant, 3 minutes ago/);
    expect(text).toContain('Nightly export');
    expect(text).toContain('VM SharePoint Connection Ref');
    expect(text).toContain('[Refresh]');

    const refreshed = await service.impact(callerFor('alex'), { ...LEE }, { fresh: true });
    expect(powerAppsRequests()).toBeGreaterThan(before);
    expect(said(refreshed!)).toMatch(/Read from the tenant just now/);
    expect(said(refreshed!)).toContain('Nightly export');
  });

  it('finds a person named without an id in a fresh index, with no directory read and no listing', async () => {
    await index.refresh();
    const service = new ImpactService(domain.ctx, { index });
    await domain.ctx.access.isAdmin(callerFor('alex')); // the admins group, read once and cached
    const graph = domain.emulator.control.requestCount('graph');
    const before = powerAppsRequests();
    const text = said(await service.impact(callerFor('alex'), { subject: 'Lee Gu' }));
    expect(domain.emulator.control.requestCount('graph')).toBe(graph);
    expect(powerAppsRequests()).toBe(before);
    expect(text).toContain('Account: leeg@example.com · disabled');
    expect(text).toContain('Nightly export');
  });

  it('reads live when the index is older than the staleness policy allows', async () => {
    await index.refresh();
    const service = new ImpactService(domain.ctx, { index });
    domain.clock.advance(INDEX_MAX_AGE_MS + 60_000);
    const before = powerAppsRequests();
    const text = said(await service.impact(callerFor('alex'), LEE));
    expect(powerAppsRequests()).toBeGreaterThan(before);
    expect(text).toMatch(/Read from the tenant just now/);
    expect(text).toContain('Vendor onboarding');
  });

  it('answers from the index a scan hands over (references and solutions included)', async () => {
    const scan = await new TenantScanner(domain.ctx.tenant, { now: domain.clock.now(), withinDays: 30 }).scan();
    const scanned = new TenantIndexSource(async () => scan.index!, domain.clock, { autoBuild: false });
    await scanned.replace(scan.index!);
    const service = new ImpactService(domain.ctx, { index: scanned });
    const before = powerAppsRequests();
    const text = said(await service.impact(callerFor('alex'), D365));
    expect(powerAppsRequests()).toBe(before);
    expect(text).toMatch(/As of the last read of the tenant/);
    expect(text).toContain('Dataverse (D365-App-Registration)');
    expect(text).toContain('ABCSOL DataVerse Connection Ref');
    expect(text).toContain('ABCSOL - sync accounts');
    expect(text).toMatch(/Secret D365AppSecret: expires in 10 days/);
  });

  it('shows a maker only their own: nothing of Lee Gu’s, and no Rotate of an app they do not own', async () => {
    const service = new ImpactService(domain.ctx, {});
    const lee = said(await service.impact(callerFor('adele'), LEE));
    expect(lee).toMatch(/No connection of yours runs as Lee Gu/);
    for (const hidden of ['Dataverse (Lee Gu)', 'SharePoint (Lee Gu)', 'Vendor onboarding', 'Nightly export', 'VM ']) {
      expect(lee).not.toContain(hidden);
    }
    expect(lee).toMatch(/You see your own connections and flows only/);

    const app = await service.impact(callerFor('adele'), D365);
    expect(said(app)).not.toContain('Dataverse (D365-App-Registration)');
    expect(actions(app).map((a) => a.title)).not.toContain('Rotate');
  });

  it('gives the owner of an app its connection and [Rotate], an admin too', async () => {
    const service = new ImpactService(domain.ctx, {});
    for (const who of ['megan', 'alex'] as const) {
      const reply = await service.impact(callerFor(who), D365);
      expect(said(reply)).toContain('Dataverse (D365-App-Registration)');
      const rotate = actions(reply).find((a) => a.title === 'Rotate');
      expect(rotate).toMatchObject({ verb: 'rotation.request' });
    }
  });

  it('offers Hand over once a handover operation is registered, without changing the card', async () => {
    const service = new ImpactService(domain.ctx, { operationAvailable: (kind) => kind === 'handover' });
    const reply = await service.impact(callerFor('alex'), LEE);
    const handover = actions(reply).find((a) => a.title === 'Hand over');
    // A card verb with the leaver's id (not imBack words: the Agents Playground sends nothing for those).
    expect(handover).toMatchObject({
      type: 'Action.Execute',
      verb: 'handover.request',
      data: { userId: USERS.lee.id },
    });
  });

  it('offers a maker no [Hand over], which only admins may request: the card says who can', async () => {
    const service = new ImpactService(domain.ctx, { operationAvailable: (kind) => kind === 'handover' });
    const reply = await service.impact(callerFor('megan'), { subject: 'Megan Bowen', subjectType: 'user' });
    expect(said(reply)).toMatch(/SQL Server/);
    expect(actions(reply).some((a) => a.verb === 'handover.request')).toBe(false);
    expect(said(reply)).toContain("Handing over a person's flows is for Power Platform admins: ask one of them.");
  });

  it('offers a share with a person for a working non-OAuth connection, only with a service principal for OAuth', async () => {
    const service = new ImpactService(domain.ctx, {});
    const text = said(await service.impact(callerFor('megan'), { subject: 'Megan Bowen', subjectType: 'user' }));
    expect(text).toMatch(/SQL Server[\s\S]*\[Share with…\]/);
    // Her service-principal connection signs in as D365-App-Registration: named, not listed as running as her.
    expect(text).not.toContain('**Dataverse (D365-App-Registration)**');
    expect(text).toMatch(/also created Dataverse \(D365-App-Registration\): it signs in as an app/);
    // Learn's troubleshooting guide does not exempt it: the card may not promise it keeps working.
    expect(text).toMatch(/Not confirmed: that it keeps working when Megan Bowen's account is disabled/);
    expect(text).not.toMatch(/keeps working without/);
    expect(text).toContain('[Share with a service principal…]');
  });

  it('renders valid Adaptive Cards (sections, share inputs, buttons) well under the Teams size limit', async () => {
    const service = new ImpactService(domain.ctx, { operationAvailable: () => true });
    for (const [who, query] of [
      ['alex', LEE],
      ['megan', D365],
      ['megan', { subject: 'Megan Bowen', subjectType: 'user' as const }],
    ] as const) {
      const reply = await service.impact(callerFor(who), query);
      for (const card of reply.cards) {
        expect(adaptiveCardProblems(card as AdaptiveCard)).toEqual([]);
        expect(JSON.stringify(card).length).toBeLessThan(28_000);
      }
    }
  });
});
