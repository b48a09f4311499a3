/**
 * Rule: client secrets and certificates of app registrations that expire within N days. When one expires, every
 * connection signing in as that app fails at its next token refresh; rotating before the date avoids the outage.
 */
import { credentialsOf, daysUntil } from '../tenantFacts';
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import { credentialAction } from './credentialAction';
import type { Finding } from './finding';
import { lookups } from './snapshotLookups';

export const DEFAULT_EXPIRY_WINDOW_DAYS = 30;

export function credentialsExpiringSoon(snapshot: TenantSnapshot, options: { withinDays?: number } = {}): Finding[] {
  const withinDays = options.withinDays ?? DEFAULT_EXPIRY_WINDOW_DAYS;
  const now = snapshot.now.getTime();
  const limit = now + withinDays * 86_400_000;
  const look = lookups(snapshot);
  const findings: Finding[] = [];
  for (const app of snapshot.apps) {
    for (const credential of credentialsOf(app)) {
      if (!credential.endDateTime) continue;
      const end = new Date(credential.endDateTime).getTime();
      if (end <= now || end > limit) continue;
      const daysLeft = daysUntil(credential.endDateTime, snapshot.now);
      const connections = look.connectionsOfApp(app.appId);
      const dependents = connections.length
        ? ` ${connections.length} connection${connections.length === 1 ? '' : 's'} sign in with this app and will fail.`
        : '';
      findings.push({
        id: `credential-expiring:${app.appId.toLowerCase()}:${credential.keyId.toLowerCase()}`,
        kind: 'credential-expiring',
        severity: daysLeft <= 7 || (connections.length > 0 && daysLeft <= 14) ? 'high' : 'medium',
        subject: app.displayName,
        daysLeft,
        owner: look.ownersOf(app),
        why: `Its ${credential.kind} expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}.${dependents}`,
        articleId: ARTICLES.secretRotation,
        action: credentialAction(app, credential.kind),
      });
    }
  }
  return findings;
}
