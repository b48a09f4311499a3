/**
 * When a rotation finds no connection that authenticates as its app, is the old secret really unused? Before it
 * is removed, look for signs that something still signs in with it: an application user of the app in an
 * environment's Dataverse, and Dataverse connection references or flows bound to a service-principal connection
 * whose app the admin list does not say (its parameter values can come back empty), which may well be this app.
 * What cannot be read counts as a sign too: the old secret stays until an approver confirms.
 */
import type { Connection, Environment } from '../../../tenant/model';
import type { RotationRun } from '../rotationRun';

const MAX_SIGNS = 8;

export async function signsOfUse(run: RotationRun): Promise<string[]> {
  const { connections, dataverse, flows } = run.ctx.tenant;
  const appId = run.rotation.appId.toLowerCase();
  const signs: string[] = [];
  const unreadable = (what: string, error: unknown) =>
    signs.push(`${what} could not be checked (${run.describe(error)})`);
  let environments: Environment[];
  try {
    environments = await connections.listEnvironments();
  } catch (error) {
    unreadable('the environments', error);
    return signs;
  }
  for (const environment of environments) {
    const unknownApp = new Map<string, Connection>();
    try {
      for await (const c of connections.listConnections(environment.id)) {
        if (c.authType === 'servicePrincipal' && !c.servicePrincipalAppId) unknownApp.set(c.name.toLowerCase(), c);
      }
    } catch (error) {
      unreadable(`the connections of ${environment.displayName}`, error);
    }
    if (environment.dataverseUrl) {
      try {
        for await (const user of dataverse.listApplicationUsers(environment)) {
          if (user.applicationId.toLowerCase() === appId && !user.isDisabled) {
            signs.push(`it is an application user in ${environment.displayName}'s Dataverse`);
          }
        }
        if (unknownApp.size) {
          for await (const reference of dataverse.listConnectionReferences(environment)) {
            const c = reference.connectionName ? unknownApp.get(reference.connectionName.toLowerCase()) : undefined;
            if (c)
              signs.push(
                `connection reference ${reference.displayName} (${environment.displayName}) uses ${c.displayName}`,
              );
          }
        }
      } catch (error) {
        unreadable(`Dataverse in ${environment.displayName}`, error);
      }
    }
    if (unknownApp.size) {
      try {
        for await (const flow of flows.listFlows(environment.id)) {
          const c = flow.connectionReferences
            .map((r) => (r.connectionName ? unknownApp.get(r.connectionName.toLowerCase()) : undefined))
            .find((x) => x !== undefined);
          if (c) signs.push(`flow ${flow.displayName} (${environment.displayName}) uses ${c.displayName}`);
        }
      } catch (error) {
        unreadable(`the flows of ${environment.displayName}`, error);
      }
    }
  }
  const unique = [...new Set(signs)];
  return unique.length > MAX_SIGNS ? [...unique.slice(0, MAX_SIGNS), `${unique.length - MAX_SIGNS} more`] : unique;
}
