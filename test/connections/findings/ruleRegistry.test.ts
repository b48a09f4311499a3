/**
 * The rule registry is the one place rules are added: every registered rule is run by the health report and by the
 * tenant scan, a rule registered here (nowhere else) shows in the report and notifies the people its stakeholders
 * name, and on the demo tenant both paths find the same things about the same ids and people. Against the demo
 * tenant's emulator, the real clients and a real SQLite store.
 */
import { ConnectionsService } from '../../../src/connections/connectionsService';
import {
  alertOwnersAndMakers,
  governanceFindings,
  ownersAndMakers,
  RULES,
  ruleOf,
  type FindingKind,
  type GovernanceRule,
  type RuleFinding,
} from '../../../src/connections/findings';
import { aboutApp, aboutConnection } from '../../../src/connections/findings/findingAbout';
import { lookups } from '../../../src/connections/findings/snapshotLookups';
import { loadSnapshot } from '../../../src/connections/snapshotLoader';
import { TenantReader } from '../../../src/connections/tenantReader';
import { APPS, USERS } from '../../../src/emulator/fixture';
import { NotificationsService } from '../../../src/notifications/notificationsService';
import { InMemoryJobQueue } from '../../../src/jobs/inMemoryJobQueue';
import { JobRunner } from '../../../src/jobs/jobRunner';
import { scopeOfAbout, TenantScanner, type TenantScan } from '../../../src/notifications/scan/tenantScanner';
import { callerFor, startTestComposition, type TestComposition } from '../../support/testComposition';
import { LimitEnforcingSink } from '../../support/limitEnforcingSink';

let domain: TestComposition;

beforeAll(async () => {
  domain = await startTestComposition();
});
afterAll(async () => {
  await domain.close();
});

/** Registers `rules` for the length of `body` only. */
async function withRules<T>(rules: GovernanceRule[], body: () => Promise<T>): Promise<T> {
  const saved = [...RULES];
  RULES.push(...rules);
  try {
    return await body();
  } finally {
    RULES.splice(0, RULES.length, ...saved);
  }
}

/** Every page of the health report as Alex (an admin) sees it, as one JSON text. */
async function healthReportText(): Promise<string> {
  const service = new ConnectionsService(domain.ctx);
  const pages: string[] = [];
  for (let page = 1; page <= 10; page++) {
    const reply = await service.healthReport(callerFor('alex'), { page });
    const text = JSON.stringify(reply.cards);
    pages.push(text);
    if (!/Page \d+ of \d+/.test(text) || text.includes(`Page ${page} of ${page}.`)) break;
  }
  return pages.join('\n');
}

async function dryRunScan() {
  const jobs = new JobRunner({ store: { jobs: new InMemoryJobQueue(domain.clock), audit: domain.ctx.store.audit } });
  const service = new NotificationsService(domain.ctx, new LimitEnforcingSink(), jobs);
  try {
    return await service.runScan({ dryRun: true });
  } finally {
    service.stopSchedule();
  }
}

function scanNow(): Promise<TenantScan> {
  return new TenantScanner(domain.ctx.tenant, { now: domain.clock.now(), withinDays: 30 }).scan();
}

test('the registry has one rule per kind, each with a label, and every rule reports only its own kind', async () => {
  const kinds = RULES.map((r) => r.kind);
  expect(new Set(kinds).size).toBe(kinds.length);
  for (const rule of RULES) expect(rule.label).toMatch(/\w/);
  const snapshot = await loadSnapshot(new TenantReader(domain.ctx.tenant), domain.clock.now());
  for (const rule of RULES) {
    const found = rule.run(snapshot, { withinDays: 30, staleAfterDays: 30 });
    for (const f of found) expect({ rule: rule.kind, kind: f.kind }).toEqual({ rule: rule.kind, kind: rule.kind });
  }
});

test('every registered rule is run by the health report and by the scan', async () => {
  const calls = new Map<FindingKind, { report: number; scan: number }>();
  let path: 'report' | 'scan' = 'report';
  const counted = RULES.map((rule): GovernanceRule => ({
    ...rule,
    run: (snapshot, options) => {
      const count = calls.get(rule.kind) ?? { report: 0, scan: 0 };
      count[path]++;
      calls.set(rule.kind, count);
      return rule.run(snapshot, options);
    },
  }));
  const saved = [...RULES];
  RULES.splice(0, RULES.length, ...counted);
  try {
    await healthReportText();
    path = 'scan';
    await dryRunScan();
  } finally {
    RULES.splice(0, RULES.length, ...saved);
  }
  for (const rule of RULES) {
    const count = calls.get(rule.kind);
    expect({ kind: rule.kind, report: (count?.report ?? 0) > 0, scan: (count?.scan ?? 0) > 0 }).toEqual({
      kind: rule.kind,
      report: true,
      scan: true,
    });
  }
});

/** Which of `needles` the text contains (a short answer when it fails, not a whole card). */
const shows = (text: string, needles: string[]) => Object.fromEntries(needles.map((n) => [n, text.includes(n)]));

describe('a rule registered in the registry and nowhere else', () => {
  // Megan's SharePoint connection in PROD is named "SharePoint (Megan Bowen)".
  const CONNECTION_PROBE = 'Probe SharePoint (Megan Bowen)';
  const APP_PROBE = `Probe ${APPS.d365.displayName}`;
  // Megan's SharePoint connections: about a connection, in an environment; Megan (their creator) is alerted.
  const environmentProbe: GovernanceRule = {
    kind: 'registry-probe-connection' as FindingKind,
    label: 'Registry probe (connection)',
    scope: 'environment',
    run: (snapshot) => {
      const look = lookups(snapshot);
      return snapshot.connections
        .filter((c) => c.createdBy.id === USERS.megan.id && /sharepoint/i.test(c.connector))
        .map((c): RuleFinding => ({
          id: `registry-probe-connection:${c.environmentId}:${c.name}`,
          kind: 'registry-probe-connection' as FindingKind,
          severity: 'high',
          subject: `Probe ${c.displayName}`,
          environment: look.environmentName(c.environmentId),
          why: 'Found by a rule registered only in the registry.',
          about: aboutConnection(look, c),
        }));
    },
    stakeholders: alertOwnersAndMakers,
  };
  // The D365 app registration: about an app in the directory; its owner (Megan) is alerted.
  const directoryProbe: GovernanceRule = {
    kind: 'registry-probe-app' as FindingKind,
    label: 'Registry probe (app)',
    scope: 'directory',
    run: (snapshot) =>
      snapshot.apps
        .filter((a) => a.appId === APPS.d365.appId)
        .map((a): RuleFinding => ({
          id: `registry-probe-app:${a.appId}`,
          kind: 'registry-probe-app' as FindingKind,
          severity: 'high',
          subject: `Probe ${a.displayName}`,
          why: 'Found by a rule registered only in the registry.',
          about: aboutApp(a.appId, a),
        })),
    stakeholders: alertOwnersAndMakers,
  };

  it('shows in the health report, with its label', async () => {
    const text = await withRules([environmentProbe, directoryProbe], healthReportText);
    expect(shows(text, [CONNECTION_PROBE, APP_PROBE, 'Registry probe (connection)', 'Registry probe (app)'])).toEqual({
      [CONNECTION_PROBE]: true,
      [APP_PROBE]: true,
      'Registry probe (connection)': true,
      'Registry probe (app)': true,
    });
  });

  it('is in the scan and notifies the people its stakeholders name', async () => {
    const result = await withRules([environmentProbe, directoryProbe], dryRunScan);
    const subjects = result.findings.map((f) => f.subject);
    expect(subjects).toEqual(expect.arrayContaining([CONNECTION_PROBE, APP_PROBE]));
    // Megan is no admin: she hears of them only because the rules' stakeholders name her.
    const megan = JSON.stringify(result.deliveries.find((d) => d.to === USERS.megan.upn)?.cards ?? []);
    expect(shows(megan, [CONNECTION_PROBE, APP_PROBE])).toEqual({ [CONNECTION_PROBE]: true, [APP_PROBE]: true });
    // Nothing internal leaks into what is published: the finding as people read it.
    for (const f of result.findings) expect(f).not.toHaveProperty('about');
  });

  it('is not heard of by those its stakeholders leave out', async () => {
    const quiet: GovernanceRule = { ...environmentProbe, stakeholders: ownersAndMakers };
    const result = await withRules([quiet], dryRunScan);
    expect(result.findings.map((f) => f.subject)).toContain(CONNECTION_PROBE);
    const megan = JSON.stringify(result.deliveries.find((d) => d.to === USERS.megan.upn)?.cards ?? []);
    expect(megan).toMatch(/SharePoint/); // she is still told of her broken connection, by its own rule
    expect(shows(megan, [CONNECTION_PROBE])).toEqual({ [CONNECTION_PROBE]: false });
  });

  it('has the owners of the apps it says it reports read by the scan (and only then names them)', async () => {
    // ALM-Pipeline-SP has no credential near its end date, so no built-in rule asks for its owner (Alex).
    const probe: GovernanceRule = {
      ...directoryProbe,
      kind: 'registry-probe-alm' as FindingKind,
      run: (snapshot) =>
        snapshot.apps
          .filter((a) => a.appId === APPS.almPipeline.appId)
          .map((a): RuleFinding => ({
            id: `registry-probe-alm:${a.appId}`,
            kind: 'registry-probe-alm' as FindingKind,
            severity: 'low',
            subject: a.displayName,
            why: 'Probe.',
            about: aboutApp(a.appId, a),
          })),
      stakeholders: ownersAndMakers,
    };
    const id = `registry-probe-alm:${APPS.almPipeline.appId}`;
    const withoutOwners = await withRules([probe], scanNow);
    expect(withoutOwners.stakeholders.get(id)).toBeUndefined();
    const withOwners = await withRules(
      [{ ...probe, ownersNeeded: { app: (a) => a.appId === APPS.almPipeline.appId } }],
      scanNow,
    );
    expect(withOwners.stakeholders.get(id)).toEqual([USERS.alex.id]);
    expect(withOwners.scopeOf.get(id)).toBe('directory');
  });
});

test('on the demo tenant the health report and the scan find the same things, about the same ids and people', async () => {
  const now = domain.clock.now();
  const report = governanceFindings(await loadSnapshot(new TenantReader(domain.ctx.tenant), now));
  const scan = await scanNow();
  expect(scan.partial).toEqual([]);
  expect(report.length).toBeGreaterThan(10);
  expect(scan.findings.map((f) => f.id).sort()).toEqual(report.map((f) => f.id).sort());

  const disabled = new Set([...scan.users.values()].filter((u) => !u.accountEnabled).map((u) => u.id.toLowerCase()));
  const unique = (ids: string[]) => [...new Set(ids.map((id) => id.toLowerCase()))];
  for (const finding of report) {
    const scanned = scan.findings.find((f) => f.id === finding.id);
    const rule = ruleOf(finding.kind)!;
    const { concerned, alerted } = rule.stakeholders(finding.about);
    const fromReport = {
      id: finding.id,
      kind: finding.kind,
      severity: finding.severity,
      subject: finding.subject,
      scope: scopeOfAbout(finding.about),
      concerned: unique(concerned),
      alerted: unique(alerted).filter((id) => !disabled.has(id)),
    };
    const fromScan = {
      id: scanned?.id,
      kind: scanned?.kind,
      severity: scanned?.severity,
      subject: scanned?.subject,
      scope: scan.scopeOf.get(finding.id),
      concerned: scan.stakeholders.get(finding.id) ?? [],
      alerted: scan.makerAlerts.get(finding.id) ?? [],
    };
    // The scan reads app owners only for the apps a rule may name them for: a credential long expired (stale) is
    // reported without its owners, while the report, which reads every app's owners, names them.
    if (finding.kind === 'credential-stale') fromReport.concerned = fromScan.concerned;
    expect(fromScan).toEqual(fromReport);
  }
});
