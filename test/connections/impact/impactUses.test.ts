/**
 * "What depends on X?" lists the canvas apps that use X's connections and, when it reads live, each flow's last run
 * (issue 19, part 1): against the demo tenant's Power Apps admin list and Flow runs list, from the snapshot without a
 * request, a maker seeing only their own, and a throttled or failing apps read said on the card, never a crash.
 */
import type { Reply } from '../../../src/cards/reply';
import { DependencyGraph } from '../../../src/connections/impact/dependencyGraph';
import { impactReport } from '../../../src/connections/impact/impactReport';
import { ImpactService } from '../../../src/connections/impact/impactService';
import { buildTenantIndex } from '../../../src/connections/tenantIndexBuilder';
import { TenantIndexSource } from '../../../src/connections/tenantIndexSource';
import { TenantScanner } from '../../../src/notifications/scan/tenantScanner';
import { ENVIRONMENTS } from '../../../src/emulator/fixture';
import type { Connection } from '../../../src/tenant/model';
import { callerFor, USERS, startTestComposition, type TestComposition } from '../../support/testComposition';

const LEE = { subject: 'Lee Gu', subjectType: 'user' as const, subjectId: USERS.lee.id };
const D365 = { subject: 'D365-App-Registration', subjectType: 'app' as const };

let domain: TestComposition;

beforeAll(async () => {
  domain = await startTestComposition();
});
afterEach(() => domain.emulator.control.setFaults(''));
afterAll(() => domain.close());

/** Every text of the reply's cards. */
function said(reply: Reply): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (typeof n.text === 'string') out.push(n.text);
      Object.values(n).forEach(walk);
    }
  };
  walk(reply.cards);
  if (reply.text) out.push(reply.text);
  return out.join('\n');
}

/** The card line of one flow or app, by its bold name. */
function lineOf(text: string, name: string): string {
  return text.split('\n').find((l) => l.includes(`**${name}**`)) ?? '';
}

describe('canvas apps and last runs on the impact card', () => {
  it('lists Lee Gu’s canvas app and the last run of each of his flows, read live', async () => {
    const reply = await new ImpactService(domain.ctx, {}).impact(callerFor('alex'), LEE);
    const text = said(reply);
    expect(lineOf(text, 'Vendor portal')).toMatch(
      /^Canvas app \*\*Vendor portal\*\* · owned by Lee Gu · uses SharePoint as whoever opens it/,
    );
    expect(text).toMatch(/used by 2 flows \(2 on\) and 1 canvas app\./);
    expect(lineOf(text, 'Nightly export')).toMatch(/last run: Failed 3 hours ago \(ActionFailed\)$/);
    expect(lineOf(text, 'Vendor onboarding')).toMatch(/last run: Succeeded 26 hours ago$/);
    expect(text).toMatch(/signs in as whoever opens it: other users keep their own connections/);
    expect(text).not.toMatch(/Canvas apps and last runs are not listed|read live only/);
  });

  it('says "no runs in 28 days" for a flow with none in the run history', async () => {
    const reply = await new ImpactService(domain.ctx, {}).impact(callerFor('alex'), D365);
    const text = said(reply);
    expect(lineOf(text, 'ABCSOL - sync accounts')).toMatch(/no runs in 28 days$/);
    // A solution-aware app binding ABCSOL's reference runs on the app registration's connection for every user.
    expect(lineOf(text, 'Account lookup')).toBe(
      'Canvas app **Account lookup** · through ABCSOL DataVerse Connection Ref · every user of the app runs on this connection',
    );
  });

  it('answers from the snapshot with apps and no request, and leaves last runs to Refresh', async () => {
    const index = new TenantIndexSource((now) => buildTenantIndex(domain.ctx.tenant, now), domain.clock, {
      autoBuild: false,
    });
    await index.refresh();
    const service = new ImpactService(domain.ctx, { index });
    const before = domain.emulator.control.requestCount();
    const text = said(await service.impact(callerFor('alex'), LEE));
    expect(domain.emulator.control.requestCount()).toBe(before);
    expect(text).toMatch(/As of the last read of the tenant/);
    expect(lineOf(text, 'Vendor portal')).toContain('owned by Lee Gu');
    expect(text).not.toMatch(/last run:/);
    expect(text).toContain('Last runs are read live only: Refresh reads them.');
  });

  it('answers from the index a scan hands over, apps included, and says when an index has no apps', async () => {
    const scan = await new TenantScanner(domain.ctx.tenant, { now: domain.clock.now(), withinDays: 30 }).scan();
    const scanned = new TenantIndexSource(async () => scan.index!, domain.clock, { autoBuild: false });
    await scanned.replace(scan.index!);
    const before = domain.emulator.control.requestCount('powerApps');
    const text = said(await new ImpactService(domain.ctx, { index: scanned }).impact(callerFor('alex'), D365));
    expect(domain.emulator.control.requestCount('powerApps')).toBe(before);
    expect(lineOf(text, 'Account lookup')).toContain('through ABCSOL DataVerse Connection Ref');

    // An index made before apps were read: the card says where to get them, and lists none.
    const { canvasApps: _apps, canvasAppsUnreadEnvironmentIds: _unread, ...older } = scan.index!;
    const old = new TenantIndexSource(async () => older, domain.clock, { autoBuild: false });
    await old.replace({ ...older, takenAt: new Date(Date.parse(older.takenAt) + 1).toISOString() });
    const without = said(await new ImpactService(domain.ctx, { index: old }).impact(callerFor('alex'), D365));
    expect(without).not.toContain('Account lookup');
    expect(without).toContain('Canvas apps are not in the last read of the tenant: Refresh reads them.');
  });

  it('keeps a refused apps read out of the scan’s findings: the index only marks the apps unknown', async () => {
    domain.emulator.control.setFaults('powerApps.listCanvasApps:forbid');
    const scan = await new TenantScanner(domain.ctx.tenant, { now: domain.clock.now(), withinDays: 30 }).scan();
    expect(scan.partial).toEqual([]);
    expect(scan.index?.canvasApps).toEqual([]);
    expect(scan.index?.canvasAppsUnreadEnvironmentIds).toHaveLength(scan.index!.environments.length);
    const scanned = new TenantIndexSource(async () => scan.index!, domain.clock, { autoBuild: false });
    await scanned.replace(scan.index!);
    const text = said(await new ImpactService(domain.ctx, { index: scanned }).impact(callerFor('alex'), LEE));
    expect(text).toContain('Nightly export');
    expect(text).toMatch(/The canvas apps of Contoso PROD could not be read/);
  });

  it('shows a maker only their own apps', async () => {
    const service = new ImpactService(domain.ctx, {});
    expect(said(await service.impact(callerFor('adele'), LEE))).not.toContain('Vendor portal');
    // Megan owns D365-App-Registration and Account lookup: hers to see.
    expect(lineOf(said(await service.impact(callerFor('megan'), D365)), 'Account lookup')).toContain(
      'through ABCSOL DataVerse Connection Ref',
    );
  });

  it('counts, without naming, the apps of other people that use a maker’s connection', () => {
    const prod = { id: ENVIRONMENTS.prod.id, displayName: 'Contoso PROD', isDefault: false };
    const connection: Connection = {
      name: 'c1',
      connector: 'shared_sql',
      displayName: 'SQL (Megan)',
      environmentId: prod.id,
      status: 'Connected',
      createdBy: { id: USERS.megan.id, displayName: 'Megan Bowen', type: 'User' },
      authType: 'user',
      isCustomConnector: false,
    };
    const app = (id: string, ownerId: string) => ({
      id,
      environmentId: prod.id,
      displayName: id,
      ownerId,
      connectors: [{ connector: 'shared_sql', connectionReferenceLogicalName: 'sql_ref' }],
    });
    const graph = new DependencyGraph({
      environments: [prod],
      flows: [],
      references: [
        { id: 'r1', environmentId: prod.id, logicalName: 'sql_ref', displayName: 'SQL ref', connectionName: 'c1' },
      ],
      solutions: [],
      partialEnvironmentIds: [],
      apps: [app('Megan app', USERS.megan.id), app('Patti app', USERS.patti.id)],
    });
    const [entry] = impactReport(graph, [connection], { admin: false, callerId: USERS.megan.id }).entries;
    expect(entry.apps.map((a) => a.displayName)).toEqual(['Megan app']);
    expect(entry.othersApps).toBe(1);
    const [all] = impactReport(graph, [connection], { admin: true, callerId: USERS.alex.id }).entries;
    expect(all.apps.map((a) => a.displayName)).toEqual(['Megan app', 'Patti app']);
  });

  it('says what it could not check when the apps read is throttled, and still lists the flows', async () => {
    const service = new ImpactService(domain.ctx, {});
    // One request in ten minutes: the first ask takes it, the second is answered 429 beyond the retry budget.
    domain.emulator.control.setFaults('powerApps.listCanvasApps:throttle=1/600');
    await service.impact(callerFor('alex'), LEE);
    const reply = await service.impact(callerFor('alex'), LEE);
    const text = said(reply);
    expect(text).toContain('Nightly export');
    expect(text).not.toContain('Vendor portal');
    expect(text).toMatch(/The canvas apps of Contoso PROD could not be read/);
    expect(reply.cards.length).toBe(2);
    expect(JSON.stringify(reply.cards[1])).toMatch(/canvas apps in Contoso PROD/);
  });

  it('says what it could not check when the apps read fails (503), and a failed runs read is "not read"', async () => {
    domain.emulator.control.setFaults('powerApps.listCanvasApps:error=1:503;flow.adminListFlowRuns:error=1:503');
    const reply = await new ImpactService(domain.ctx, {}).impact(callerFor('alex'), LEE);
    const text = said(reply);
    expect(lineOf(text, 'Nightly export')).toMatch(/last run: not read$/);
    expect(text).toMatch(/The canvas apps of Contoso PROD could not be read/);
    const gaps = JSON.stringify(reply.cards[1]);
    expect(gaps).toMatch(/canvas apps in Contoso PROD/);
    expect(gaps).toMatch(/the last runs of some flows/);
  });
});
