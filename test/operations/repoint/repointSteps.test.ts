/**
 * The re-point's step list as its cards show it, from saga records alone: one step per reference and per flow,
 * the running one where the saga stands, a step the job will try again shown waiting for the service, and a
 * roll-back said on the reference and the flow.
 */
import type { RepointOperation } from '../../../src/operations/repoint/repointOperation';
import { newSaga, type RepointSaga } from '../../../src/operations/repoint/repointSaga';
import { repointSteps } from '../../../src/operations/repoint/repointSteps';
import { stepLine } from '../../../src/operations/operationSteps';

const NOW = '2026-12-05T00:00:00.000Z';

const operation: RepointOperation = {
  kind: 'repoint',
  environmentId: 'env',
  environmentName: 'Contoso PROD',
  solutionId: 'sol',
  solutionName: 'Vendor Management',
  references: [
    {
      referenceId: 'r1',
      logicalName: 'dv',
      displayName: 'DV ref',
      connectorId: '/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps',
      from: { name: 'lee-dv', displayName: 'Dataverse (Lee Gu)' },
      to: { name: 'sp-dv', displayName: 'Dataverse (SP)' },
    },
  ],
  refused: [],
  flows: [{ flowId: 'f1', displayName: 'Vendor onboarding', referenceLogicalNames: ['dv'], onWhenDrafted: true }],
  solutionOwnerIds: [],
};

const saga = (patch: Partial<RepointSaga> = {}): RepointSaga => ({ ...newSaga('a', operation, NOW), ...patch });
const lines = (s: RepointSaga, retryingSince?: string) =>
  repointSteps(s, { retryingSince }).map((step) => stepLine(step, new Date('2026-12-05T00:01:00.000Z')));

test('one step per reference and flow, the running one where the saga stands', () => {
  expect(lines(saga())).toEqual([
    '▶ Note which flows are on',
    '○ Bind DV ref to Dataverse (SP)',
    '○ Turn Vendor onboarding off and on',
  ]);
  const binding = saga({ state: 'binding', flows: [{ ...saga().flows[0], wasOn: true }] });
  expect(lines(binding)).toEqual([
    '✓ Note which flows are on',
    '▶ Bind DV ref to Dataverse (SP)',
    '○ Turn Vendor onboarding off and on',
  ]);
  const restarting = saga({
    state: 'restarting',
    references: [{ ...saga().references[0], outcome: 'bound', previous: 'lee-dv' }],
    flows: [{ ...saga().flows[0], wasOn: true }],
  });
  expect(lines(restarting).slice(1)).toEqual([
    '✓ Bind DV ref to Dataverse (SP)',
    '▶ Turn Vendor onboarding off and on',
  ]);
  expect(lines(restarting, NOW)[2]).toBe(
    '⏳ Waiting for the service to answer again (turn Vendor onboarding off and on): the job tries again shortly — 1 min so far',
  );
});

test('a roll-back is said on the reference and on the flow', () => {
  const rolledBack = saga({
    state: 'needsAttention',
    references: [
      { ...saga().references[0], outcome: 'rolledBack', previous: 'lee-dv', previousName: 'Dataverse (Lee Gu)' },
    ],
    flows: [{ ...saga().flows[0], wasOn: true, outcome: 'rolledBack', error: 'InvalidConnection' }],
  });
  expect(lines(rolledBack).slice(1)).toEqual([
    '✗ Bind DV ref to Dataverse (SP) — put back on Dataverse (Lee Gu)',
    '✗ Turn Vendor onboarding off and on — refused on the new connections (InvalidConnection): on again with the previous ones',
  ]);
});
