/**
 * The handover's step list as its cards show it, from the plan and the record alone: one step per owner change,
 * per reference and per flow to turn off and on; the running one where the record stands; a step the job tries
 * again shown waiting; a roll-back and a flow left off said on their steps.
 */
import type { HandoverOperation } from '../../../src/operations/handover/handoverPlan';
import type { HandoverRecord } from '../../../src/operations/handover/handoverRun';
import { handoverSteps } from '../../../src/operations/handover/handoverSteps';
import { stepLine } from '../../../src/operations/operationSteps';

const NOW = '2026-12-05T00:00:00.000Z';

const plan: HandoverOperation = {
  kind: 'handover',
  fromId: 'lee',
  fromName: 'Lee Gu',
  toId: 'lynne',
  toName: 'Lynne Robbins',
  flows: [
    {
      environmentId: 'env',
      environmentName: 'PROD',
      flowId: 'f1',
      displayName: 'Vendor onboarding',
      ownership: 'dataverseOwner',
    },
  ],
  references: [
    {
      environmentId: 'env',
      environmentName: 'PROD',
      referenceId: 'r1',
      logicalName: 'dv',
      displayName: 'DV ref',
      connector: 'shared_commondataserviceforapps',
      from: { connectionName: 'lee-dv', displayName: 'Dataverse (Lee Gu)' },
      to: { connectionName: 'sp-dv', displayName: 'Dataverse (SP)', signsInAs: 'a service principal' },
      flowIds: ['f1'],
    },
  ],
  manual: [],
};

const record = (patch: Partial<HandoverRecord> = {}): HandoverRecord => ({
  id: 'a',
  flows: {},
  references: {},
  updatedAt: NOW,
  ...patch,
});
const lines = (r: HandoverRecord, retryingSince?: string) =>
  handoverSteps(plan, r, { retryingSince }).map((s) => stepLine(s, new Date('2026-12-05T00:00:30.000Z')));

test('one step per owner change, reference and flow; the first not done runs, or waits after a passing failure', () => {
  expect(lines(record())).toEqual([
    '▶ Make Lynne Robbins owner of Vendor onboarding',
    '○ Bind "DV ref" to Dataverse (SP)',
    '○ Turn Vendor onboarding off and on',
  ]);
  const bound = record({ flows: { f1: { wasOn: true, owner: 'done' } }, references: { r1: { bind: 'done' } } });
  expect(lines(bound, NOW)).toEqual([
    '✓ Make Lynne Robbins owner of Vendor onboarding',
    '✓ Bind "DV ref" to Dataverse (SP)',
    '⏳ Waiting for the service to answer again (turn Vendor onboarding off and on): the job tries again shortly — 30 s so far',
  ]);
});

test('a roll-back, and a flow that could be turned on neither way, are said on their steps', () => {
  const rolledBack = record({
    finished: true,
    flows: { f1: { wasOn: true, owner: 'done', restart: 'rolledBack', problem: 'InvalidConnection' } },
    references: { r1: { bind: 'rolledBack' } },
  });
  expect(lines(rolledBack).slice(1)).toEqual([
    '✗ Bind "DV ref" to Dataverse (SP) — put back on Dataverse (Lee Gu)',
    "✗ Turn Vendor onboarding off and on — refused on the new connections (InvalidConnection): on again with Lee Gu's",
  ]);
  const off = record({
    finished: true,
    flows: { f1: { wasOn: true, owner: 'done', restart: 'refused', problem: 'InvalidConnection' } },
    references: { r1: { bind: 'done', rollBackRefused: 'the bot may not use Dataverse (Lee Gu)' } },
  });
  expect(lines(off).slice(1)).toEqual([
    '✓ Bind "DV ref" to Dataverse (SP)',
    '✗ Turn Vendor onboarding off and on — it is OFF: InvalidConnection',
  ]);
});

test("the leaver's canvas apps: one step each after the flows' owners, done, running or refused with why", () => {
  const withApp: HandoverOperation = {
    ...plan,
    apps: [{ environmentId: 'env', environmentName: 'PROD', appId: 'app1', displayName: 'Vendor portal' }],
  };
  const appLines = (r: HandoverRecord) =>
    handoverSteps(withApp, r).map((s) => stepLine(s, new Date('2026-12-05T00:00:30.000Z')));
  expect(appLines(record({ flows: { f1: { wasOn: true, owner: 'done' } } }))).toEqual([
    '✓ Make Lynne Robbins owner of Vendor onboarding',
    '▶ Make Lynne Robbins owner of the app Vendor portal',
    '○ Bind "DV ref" to Dataverse (SP)',
    '○ Turn Vendor onboarding off and on',
  ]);
  const refused = record({
    flows: { f1: { wasOn: true, owner: 'done' } },
    apps: { app1: { owner: 'refused', problem: 'it is owned by Megan Bowen now' } },
  });
  expect(appLines(refused).slice(1, 3)).toEqual([
    '✗ Make Lynne Robbins owner of the app Vendor portal — it is owned by Megan Bowen now',
    '▶ Bind "DV ref" to Dataverse (SP)',
  ]);
  // A plan drafted before apps were handed over has no app steps.
  expect(lines(record())).toHaveLength(3);
});
