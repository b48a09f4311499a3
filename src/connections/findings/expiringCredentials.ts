/**
 * Rule: client secrets and certificates of app registrations that expire within N days. A connection signing in
 * with the expiring credential fails at its next token refresh; rotating before the date avoids the outage. The
 * APIs never say which secret a connection holds, so the finding says so: when the expiring one is the app's only
 * current credential of its kind, every connection of the app holds it; otherwise only those holding it will fail.
 */
import { credentialsOf, daysUntil } from '../tenantFacts';
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import { credentialAction } from './credentialAction';
import type { RuleFinding } from './finding';
import { aboutApp } from './findingAbout';
import { hasCredentialEndingWithin, ownersAndMakers, type GovernanceRule } from './governanceRule';
import { lookups } from './snapshotLookups';

export const DEFAULT_EXPIRY_WINDOW_DAYS = 30;

/** "A, B, C" — at most three names, then a count. */
function connectionNames(connections: { displayName: string }[]): string {
  const shown = connections.slice(0, 3).map((c) => c.displayName);
  return connections.length > 3 ? `${shown.join(', ')} and ${connections.length - 3} more` : shown.join(', ');
}

export function credentialsExpiringSoon(
  snapshot: TenantSnapshot,
  options: { withinDays?: number } = {},
): RuleFinding[] {
  const withinDays = options.withinDays ?? DEFAULT_EXPIRY_WINDOW_DAYS;
  const now = snapshot.now.getTime();
  const limit = now + withinDays * 86_400_000;
  const look = lookups(snapshot);
  const findings: RuleFinding[] = [];
  for (const app of snapshot.apps) {
    for (const credential of credentialsOf(app)) {
      if (!credential.endDateTime) continue;
      const end = new Date(credential.endDateTime).getTime();
      if (end <= now || end > limit) continue;
      const daysLeft = daysUntil(credential.endDateTime, snapshot.now);
      const connections = look.connectionsOfApp(app.appId);
      const others = credentialsOf(app).filter(
        (c) =>
          c.kind === credential.kind &&
          c.keyId !== credential.keyId &&
          (!c.endDateTime || new Date(c.endDateTime).getTime() > end),
      );
      const names = connectionNames(connections);
      const dependents = !connections.length
        ? ''
        : others.length === 0
          ? ` It is the app's only current ${credential.kind}, so the connection${connections.length === 1 ? '' : 's'} signing in with this app (${names}) hold${connections.length === 1 ? 's' : ''} it and will fail when it expires.`
          : ` ${connections.length} connection${connections.length === 1 ? '' : 's'} sign in with this app (${names}); the app also has ${others.length} later-expiring ${credential.kind}${others.length === 1 ? '' : 's'} (${others.map((c) => c.displayName ?? c.keyId).join(', ')}), and the APIs do not say which one each connection holds: only those holding this one will fail.`;
      findings.push({
        id: `credential-expiring:${app.appId.toLowerCase()}:${credential.keyId.toLowerCase()}`,
        kind: 'credential-expiring',
        severity: daysLeft <= 7 || (connections.length > 0 && !others.length && daysLeft <= 14) ? 'high' : 'medium',
        subject: app.displayName,
        daysLeft,
        owner: look.ownersOf(app),
        why: `Its ${credential.kind} expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}.${dependents}`,
        articleId: ARTICLES.secretRotation,
        action: credentialAction(app, credential.kind),
        about: aboutApp(app.appId, app),
      });
    }
  }
  return findings;
}

export const credentialExpiringRule: GovernanceRule = {
  kind: 'credential-expiring',
  label: 'Credential expiring',
  scope: 'directory',
  run: credentialsExpiringSoon,
  // The app's owners: they can rotate it.
  stakeholders: ownersAndMakers,
  appsReported: (app, now, options) => hasCredentialEndingWithin(app, now, 0, options.withinDays),
  ownersNeeded: { app: (app, now, options) => hasCredentialEndingWithin(app, now, 0, options.withinDays) },
};
