/**
 * The impact card's last-run wording from the runs it was given: a failed run with its code and age, "no runs in 28
 * days", "not read", nothing for a flow past the per-card limit (and a note saying how many were not read).
 */
import { impactCard, type LastRuns } from '../../../src/connections/impact/impactCard';
import type { ConnectionEntry, FlowEntry } from '../../../src/connections/impact/impactReport';
import type { Connection } from '../../../src/tenant/model';

const NOW = new Date('2026-06-01T12:00:00Z');
const env = { id: 'prod', displayName: 'Contoso PROD', isDefault: false };
const connection: Connection = {
  name: 'c1',
  connector: 'shared_sql',
  displayName: 'SQL (Megan)',
  environmentId: 'prod',
  status: 'Connected',
  createdBy: { id: 'megan', displayName: 'Megan Bowen', type: 'User' },
  authType: 'user',
  isCustomConnector: false,
};
const flow = (i: number): FlowEntry => ({
  id: `f${i}`,
  environmentId: 'prod',
  displayName: `Flow ${i}`,
  on: true,
  via: [],
  solutions: [],
});

function card(flows: FlowEntry[], lastRuns?: LastRuns): string {
  const entry: ConnectionEntry = {
    connection,
    environment: env,
    production: true,
    failing: false,
    references: [],
    flows,
    othersFlows: 0,
    apps: [],
    othersApps: 0,
    appsKnown: true,
  };
  const rendered = impactCard({
    subject: { kind: 'connection', query: 'SQL' },
    query: { subject: 'SQL', subjectType: 'connection' },
    report: { entries: [entry], partialEnvironments: [] },
    admin: true,
    callerId: 'alex',
    now: NOW,
    readAt: NOW,
    fromSnapshot: !lastRuns,
    mayRotate: false,
    operationAvailable: () => false,
    lastRuns,
    appsRead: true,
  });
  return JSON.stringify(rendered);
}

it('words each flow’s last run as read, and says how many flows were past the limit', () => {
  const flows = [1, 2, 3, 4].map(flow);
  const runs: LastRuns = {
    runs: new Map([
      ['prod/f1', { name: 'r', status: 'Failed', startTime: '2026-06-01T09:00:00Z', errorCode: 'ActionFailed' }],
      ['prod/f2', null],
      ['prod/f3', undefined],
    ]),
    limit: 3,
    skipped: 1,
  };
  const text = card(flows, runs);
  expect(text).toContain('Flow **Flow 1** · On · uses it directly · last run: Failed 3 hours ago (ActionFailed)');
  expect(text).toContain('Flow **Flow 2** · On · uses it directly · no runs in 28 days');
  expect(text).toContain('Flow **Flow 3** · On · uses it directly · last run: not read');
  expect(text).toContain('Flow **Flow 4** · On · uses it directly"');
  expect(text).toContain('Last runs are read for the first 3 flows; 1 other is in the Power Automate portal.');
});

it('from the snapshot, shows no run and says Refresh reads them', () => {
  const text = card([flow(1)]);
  expect(text).not.toContain('last run');
  expect(text).toContain('Last runs are read live only: Refresh reads them.');
});
