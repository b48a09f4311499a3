/**
 * What an approver should know before re-pointing, in plain words: flows that will be off for a moment, flows
 * that are off and stay off (they keep the old connection until someone turns them on), references that cannot
 * move, and for an undo, going back to a person's connection.
 */
import type { RepointOperation } from './repointOperation';

export function repointRiskNotes(operation: RepointOperation): string[] {
  const out: string[] = [];
  const on = operation.flows.filter((f) => f.onWhenDrafted).map((f) => f.displayName);
  const off = operation.flows.filter((f) => !f.onWhenDrafted).map((f) => f.displayName);
  if (on.length) {
    out.push(
      `${on.join(', ')} will be turned off and on again to take the new connections: a run triggered in that moment may be missed.`,
    );
  }
  if (off.length) out.push(`${off.join(', ')} ${off.length > 1 ? 'are' : 'is'} off and will stay off.`);
  for (const r of operation.refused) out.push(`${r.displayName} will not be re-pointed: ${r.reason}`);
  if (operation.undoOf) {
    out.push('This puts back the connections used before the re-point, even where they sign in as a person.');
  }
  return out;
}
