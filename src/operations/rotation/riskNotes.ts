/**
 * What an approver should know before rotating an app's secret, in plain words: an app user with System
 * Administrator, a certificate-only app, how many connections the rotation touches (or that none does). A check
 * that cannot be made is said too, rather than silently skipped.
 */
import type { DomainContext } from '../../context';
import type { AppRegistration, Environment } from '../../tenant/model';
import type { ConnectionTarget } from '../share/definition';

export interface RotationImpact {
  notes: string[];
  connections: ConnectionTarget[];
}

export async function rotationRiskNotes(ctx: DomainContext, app: AppRegistration): Promise<RotationImpact> {
  const notes: string[] = [];
  const connections: ConnectionTarget[] = [];
  let environments: Environment[] = [];
  try {
    environments = await ctx.tenant.connections.listEnvironments();
  } catch {
    notes.push('Could not list the environments to find the connections and app users of this app.');
  }
  await Promise.all(
    environments.map(async (environment) => {
      try {
        for await (const c of ctx.tenant.connections.listConnections(environment.id)) {
          if (c.authType === 'servicePrincipal' && c.servicePrincipalAppId === app.appId) {
            connections.push({
              environmentId: environment.id,
              environmentName: environment.displayName,
              connector: c.connector,
              connectionName: c.name,
              displayName: c.displayName,
              ownerId: c.createdBy.id,
              ownerName: c.createdBy.displayName,
            });
          }
        }
      } catch {
        notes.push(`Could not list the connections of ${environment.displayName}.`);
      }
      if (!environment.dataverseUrl) return;
      try {
        for await (const user of ctx.tenant.dataverse.listApplicationUsers(environment)) {
          if (user.applicationId.toLowerCase() !== app.appId.toLowerCase()) continue;
          if (user.roles.some((r) => r.name === 'System Administrator')) {
            notes.push(`This app user holds System Administrator in ${environment.displayName}.`);
          }
        }
      } catch {
        notes.push(`Could not check the app's Dataverse roles in ${environment.displayName}.`);
      }
    }),
  );
  connections.sort((a, b) => a.environmentName.localeCompare(b.environmentName));
  if (app.keyCredentials.length && !app.passwordCredentials.length) {
    notes.push(
      'This app signs in with a certificate and has no client secret: a rotation adds a client secret, it does not renew the certificate.',
    );
  }
  if (connections.length) {
    notes.push(
      `${connections.length} connection(s) authenticate as this app and will be switched to the new secret: ${connections
        .map((c) => `${c.displayName} (${c.environmentName})`)
        .join(', ')}.`,
    );
  } else {
    notes.push(
      'No Power Platform connection authenticates as this app: other systems using the old secret will break after the grace period.',
    );
  }
  notes.sort();
  return { notes, connections };
}
