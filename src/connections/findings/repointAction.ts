/**
 * The [Re-point] button a finding about a connection reference (or a connection that references use) offers when
 * the references belong to a solution: it starts a re-point request (src/operations/repoint/), whose preview then
 * names the new connection of each reference. Built once per rule run, since rules run over the whole tenant.
 */
import type { TenantSnapshot } from '../tenantSnapshot';
import type { FindingAction } from './finding';

/** The verb of the re-point kind's request button (registered by the kind, answered by operationRequestVerbs.ts). */
const REPOINT_REQUEST = 'repoint.request';

export interface RepointActions {
  /** For one reference, by id. */
  forReference(environmentId: string, referenceId: string): FindingAction | undefined;
  /** For the references bound to a connection (the solution of the first one found). */
  forConnection(environmentId: string, connectionName: string): FindingAction | undefined;
}

export function repointActions(snapshot: TenantSnapshot): RepointActions {
  let solutionOfReference: Map<string, string> | undefined;
  let referencesOfConnection: Map<string, string[]> | undefined;
  const key = (environmentId: string, id: string) => `${environmentId}/${id.toLowerCase()}`;
  const solutionOf = (environmentId: string, referenceId: string): string | undefined => {
    if (!solutionOfReference) {
      solutionOfReference = new Map();
      for (const s of snapshot.solutions) {
        for (const id of s.componentObjectIds) solutionOfReference.set(key(s.environmentId, id), s.id);
      }
    }
    return solutionOfReference.get(key(environmentId, referenceId));
  };
  const action = (solutionId: string, environmentId: string, referenceId?: string): FindingAction => ({
    title: 'Re-point',
    verb: REPOINT_REQUEST,
    data: { solutionId, environmentId, ...(referenceId ? { referenceId } : {}) },
  });
  return {
    forReference(environmentId, referenceId) {
      const solutionId = solutionOf(environmentId, referenceId);
      return solutionId ? action(solutionId, environmentId, referenceId) : undefined;
    },
    forConnection(environmentId, connectionName) {
      if (!referencesOfConnection) {
        referencesOfConnection = new Map();
        for (const r of snapshot.references) {
          if (!r.connectionName) continue;
          const k = key(r.environmentId, r.connectionName);
          referencesOfConnection.set(k, [...(referencesOfConnection.get(k) ?? []), r.id]);
        }
      }
      for (const referenceId of referencesOfConnection.get(key(environmentId, connectionName)) ?? []) {
        const solutionId = solutionOf(environmentId, referenceId);
        if (solutionId) return action(solutionId, environmentId);
      }
      return undefined;
    },
  };
}
