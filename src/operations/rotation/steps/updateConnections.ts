/**
 * Step 4: every Power Platform connection that authenticates as this app (service-principal connections with its
 * client id, in every environment) gets the new secret, and must come back Connected. The list is recorded first,
 * then each connection's outcome as it is known, so a restart continues where it stopped. Any failure keeps both
 * secrets and ends in `needsAttention`, naming the connections (the approvals layer tells the requester and the
 * admins, from the rotation's outcome). Finding no connection while the app still seems in use (signsOfUse) also
 * stops there, until an approver confirms.
 */
import type { Connection } from '../../../tenant/model';
import type { RotationConnection } from '../rotation';
import type { RotationRun } from '../rotationRun';
import { secretForSteps } from './secretForSteps';
import { signsOfUse } from './signsOfUse';

const HOUR_MS = 60 * 60 * 1000;

async function connectionsOfApp(run: RotationRun): Promise<RotationConnection[]> {
  const { connections } = run.ctx.tenant;
  const appId = run.rotation.appId.toLowerCase();
  const found: RotationConnection[] = [];
  for (const environment of await connections.listEnvironments()) {
    for await (const c of connections.listConnections(environment.id)) {
      if (c.authType === 'servicePrincipal' && c.servicePrincipalAppId?.toLowerCase() === appId) {
        found.push({
          environmentId: c.environmentId || environment.id,
          connector: c.connector,
          connectionName: c.name,
          displayName: `${c.displayName} (${environment.displayName})`,
          outcome: 'pending',
        });
      }
    }
  }
  return found;
}

function statusProblem(connection: Connection): string | undefined {
  if (connection.status === 'Connected') return undefined;
  const detail = connection.error ? `: ${connection.error.code}` : '';
  return `status ${connection.status}${detail} after the update`;
}

/**
 * The Power Platform API lets only a connection's owner or a CanEdit grantee update it (no admin scope), so the
 * bot's own role is checked first, on the admin permission list, and a missing role is said in words an admin can
 * act on. Undefined = may go ahead (including when the bot's own id cannot be told: the update then says).
 */
async function missingRole(run: RotationRun, target: RotationConnection): Promise<string | undefined> {
  const self = await run.ctx.tenant.self?.principalId().catch(() => undefined);
  if (!self) return undefined;
  const permissions = await run.ctx.tenant.connections.listPermissions(
    target.environmentId,
    target.connector,
    target.connectionName,
  );
  const mine = permissions.filter((p) => p.principal.id.toLowerCase() === self.toLowerCase()).map((p) => p.roleName);
  if (mine.includes('Owner') || mine.includes('CanEdit')) return undefined;
  return `the bot may not update it (its role: ${mine.length ? mine.join(', ') : 'none'}; it needs to own the connection or have it shared as Can edit — see docs/deployment.md, "Service-principal connections")`;
}

async function updateOne(run: RotationRun, target: RotationConnection, secret: string): Promise<RotationConnection> {
  const { connections, tenantId } = run.ctx.tenant;
  try {
    const refused = await missingRole(run, target);
    if (refused) return { ...target, outcome: 'failed', error: refused };
    let updated = await connections.updateServicePrincipalSecret(
      target.environmentId,
      target.connector,
      target.connectionName,
      { clientId: run.rotation.appId, tenantId, clientSecret: secret },
    );
    // The PUT's answer may predate the status check; read once more (admin list) before calling it broken. That
    // read only confirms: when it fails, the PUT's own answer stands.
    if (statusProblem(updated)) {
      updated = await connections
        .getConnection(target.environmentId, target.connector, target.connectionName)
        .catch(() => updated);
    }
    const problem = statusProblem(updated);
    return problem ? { ...target, outcome: 'failed', error: problem } : { ...target, outcome: 'updated' };
  } catch (error) {
    return { ...target, outcome: 'failed', error: run.describe(error) };
  }
}

export async function updateConnections(run: RotationRun): Promise<void> {
  if (!run.rotation.connections) {
    const found = await connectionsOfApp(run);
    await run.audit('findConnections', 'info', { connections: found.length });
    if (found.length === 0 && !run.rotation.noConnectionConfirmedBy) {
      // Nothing to switch: before the old secret is scheduled for removal, make sure nothing still uses it.
      const signs = await signsOfUse(run);
      if (signs.length) {
        const reason = `No connection that signs in as ${run.rotation.appDisplayName} was found to switch to the new secret, but it still seems in use: ${signs.join('; ')}. Both the old and the new secret were kept. Switch whatever uses the old secret (the new one is in Key Vault), then an approver confirms with [Retry the switch]; the old secret is removed only after that.`;
        await run.save({ connections: [], state: 'needsAttention', reason });
        await run.audit('needsAttention', 'failure', { noConnectionFound: true, signs: signs.join('; ') });
        return;
      }
    }
    await run.save({ connections: found });
  }
  const secret = await secretForSteps(run);
  if (secret === undefined) {
    throw new Error(
      `Key Vault no longer returns version ${run.rotation.vaultVersion ?? '?'} of ${run.rotation.vaultSecretName}; cannot update the connections.`,
    );
  }

  for (const target of run.rotation.connections ?? []) {
    if (target.outcome !== 'pending') continue;
    const result = await updateOne(run, target, secret);
    await run.audit('updateConnection', result.outcome === 'updated' ? 'success' : 'failure', {
      connection: target.displayName,
      connectionName: target.connectionName,
      environmentId: target.environmentId,
      error: result.error ?? null,
    });
    await run.save({
      connections: (run.rotation.connections ?? []).map((c) =>
        c.connectionName === target.connectionName && c.environmentId === target.environmentId ? result : c,
      ),
    });
  }

  const failed = (run.rotation.connections ?? []).filter((c) => c.outcome === 'failed');
  if (failed.length > 0) {
    const names = failed.map((c) => `${c.displayName}: ${c.error ?? 'failed'}`).join('; ');
    const reason = `These connections could not be switched to the new secret: ${names}. Both the old and the new secret were kept; fix the connection(s) and finish the switch, then remove the old secret.`;
    await run.save({ state: 'needsAttention', reason });
    await run.audit('needsAttention', 'failure', { connections: failed.map((c) => c.displayName).join(', ') });
    return;
  }
  const graceMs = run.ctx.config.OLD_SECRET_GRACE_HOURS * HOUR_MS;
  const notBefore = new Date(run.ctx.clock.now().getTime() + graceMs).toISOString();
  await run.save({ state: 'waiting', notBefore });
}
