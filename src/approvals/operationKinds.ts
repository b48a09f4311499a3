/**
 * Which kinds of approved operation this installation can run, asked by cards that offer a button only when its
 * operation exists (the impact card's [Hand over] and [Re-point references]). Read from the operations seam
 * itself, so a kind appears as soon as its operation is bound there, without editing the cards that offer it.
 */
import type { ApprovalOperations } from './operationsPort';

export type OperationKind = 'share' | 'rotation' | 'handover' | 'repointReferences';

/** Words an operation's members are named with, per kind (e.g. `share`, `createRotation`, `createHandover`). */
const MEMBER_WORDS: Record<OperationKind, RegExp> = {
  share: /^share$/i,
  rotation: /rotation/i,
  handover: /hand-?over/i,
  repointReferences: /re-?point/i,
};

export function operationAvailable(operations: ApprovalOperations, kind: OperationKind): boolean {
  return Object.keys(operations).some(
    (member) =>
      MEMBER_WORDS[kind].test(member) &&
      typeof (operations as unknown as Record<string, unknown>)[member] === 'function',
  );
}
