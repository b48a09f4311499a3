/**
 * The rotation saga's record as the step list its approval cards show (operationSteps.ts). Derived from the record
 * alone (plus, while Entra is polled, the fact that the bot is waiting), so a run taken over after a crash reports
 * the same list from the recorded step on.
 */
import { elapsedWords } from '../operationSteps';
import type { OperationStep, OperationStepState } from '../operationSteps';
import type { Rotation, RotationState } from './rotation';

/** The saga's forward order; compensating and the final states are handled apart. */
const ORDER: RotationState[] = [
  'created',
  'addingPassword',
  'storingSecret',
  'verifying',
  'updatingConnections',
  'waiting',
  'done',
];

export interface RotationStepsOptions {
  /** True while the new secret is being tried against Entra (verifySecret polls). */
  waitingForEntra?: boolean;
  /** How long the bot waits for Entra at most (RotationOptions.verify.timeoutMs). */
  verifyTimeoutMs: number;
}

function connectionsDetail(rotation: Rotation): string | undefined {
  const list = rotation.connections;
  if (!list) return 'finding the connections that sign in as this app';
  const finished = list.filter((c) => c.outcome !== 'pending').length;
  return `${finished} of ${list.length} connection${list.length === 1 ? '' : 's'}`;
}

export function rotationSteps(rotation: Rotation, options: RotationStepsOptions): OperationStep[] {
  if (rotation.state === 'compensating' || rotation.state === 'failed') {
    return [
      { title: 'Create a new client secret', state: rotation.newKeyId ? 'done' : 'failed' },
      {
        title: 'Withdraw the new secret (the old secret stays in use)',
        state: rotation.state === 'failed' ? 'done' : 'running',
        since: rotation.updatedAt,
      },
    ];
  }
  const reached =
    rotation.state === 'needsAttention' ? ORDER.indexOf('updatingConnections') : ORDER.indexOf(rotation.state);
  const stateOf = (index: number): OperationStepState =>
    reached > index ? 'done' : reached === index ? 'running' : 'pending';
  const steps: OperationStep[] = [
    // "created" is the moment before the first call to Graph: creating the secret is what runs then.
    { title: 'Create a new client secret', state: reached < ORDER.indexOf('storingSecret') ? 'running' : 'done' },
    { title: 'Store it in Key Vault', state: stateOf(ORDER.indexOf('storingSecret')) },
    { title: 'Check that Microsoft Entra accepts it', state: stateOf(ORDER.indexOf('verifying')) },
    { title: 'Switch the connections to the new secret', state: stateOf(ORDER.indexOf('updatingConnections')) },
    { title: 'Remove the old secret', state: stateOf(ORDER.indexOf('waiting')) },
  ];
  const [, , verify, switching, removal] = steps;
  if (verify.state === 'running' && options.waitingForEntra) {
    Object.assign(verify, {
      state: 'waiting',
      waitingFor: 'Entra to accept the new secret',
      since: rotation.updatedAt,
      // No documented figure for how long Entra takes to accept a new secret (seconds in practice, reportedly much
      // longer at times): the card says only what the bot itself will do.
      usually: `the bot waits up to ${elapsedWords(options.verifyTimeoutMs)}`,
    });
  }
  if (switching.state === 'running') switching.detail = connectionsDetail(rotation);
  if (rotation.state === 'needsAttention') {
    switching.state = 'failed';
    switching.detail = connectionsDetail(rotation);
  }
  if (rotation.state === 'waiting' && rotation.notBefore) {
    Object.assign(removal, {
      state: 'waiting',
      waitingFor: `the grace period to end (${rotation.notBefore.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC')})`,
    });
  }
  return steps;
}
