/**
 * Rule: credentials past their end date. Recently expired ones (within `staleAfterDays`) are an outage in progress
 * for the connections using the app; long-expired ones are clutter that hides real problems and should be removed.
 */
import { credentialsOf, daysUntil } from '../tenantFacts';
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import { credentialAction } from './credentialAction';
import type { RuleFinding } from './finding';
import { aboutApp } from './findingAbout';
import { hasCredentialEndingWithin, ownersAndMakers, type GovernanceRule } from './governanceRule';
import { lookups } from './snapshotLookups';

export const DEFAULT_STALE_AFTER_DAYS = 30;

/** Both kinds: recently expired credentials and stale ones. */
export function expiredCredentials(snapshot: TenantSnapshot, options: { staleAfterDays?: number } = {}): RuleFinding[] {
  return pastEndDate(snapshot, options, { expired: true, stale: true });
}

/** The findings about credentials past their end date, of the kinds asked for (one rule per kind shares this). */
export function pastEndDate(
  snapshot: TenantSnapshot,
  options: { staleAfterDays?: number },
  want: { expired: boolean; stale: boolean },
): RuleFinding[] {
  const staleAfterDays = options.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS;
  const now = snapshot.now.getTime();
  const look = lookups(snapshot);
  const findings: RuleFinding[] = [];
  for (const app of snapshot.apps) {
    const credentials = credentialsOf(app);
    for (const credential of credentials) {
      if (!credential.endDateTime || new Date(credential.endDateTime).getTime() > now) continue;
      const daysLeft = daysUntil(credential.endDateTime, snapshot.now);
      const ago = -daysLeft;
      const appId = app.appId.toLowerCase();
      const keyId = credential.keyId.toLowerCase();
      if (ago > staleAfterDays) {
        if (!want.stale) continue;
        findings.push({
          id: `credential-stale:${appId}:${keyId}`,
          kind: 'credential-stale',
          severity: 'low',
          subject: app.displayName,
          daysLeft,
          owner: look.ownersOf(app),
          why: `A ${credential.kind} that expired ${ago} days ago is still registered: remove it so real expiries stand out.`,
          articleId: ARTICLES.secretRotation,
          about: aboutApp(app.appId, app),
        });
        continue;
      }
      if (!want.expired) continue;
      const connections = look.connectionsOfApp(app.appId);
      const broken = connections.filter((c) => c.status === 'Error');
      const stillValid = credentials.some(
        (c) => c.kind === credential.kind && c.endDateTime && new Date(c.endDateTime).getTime() > now,
      );
      findings.push({
        id: `credential-expired:${appId}:${keyId}`,
        kind: 'credential-expired',
        severity: broken.length > 0 || (!stillValid && connections.length > 0) ? 'high' : 'medium',
        subject: app.displayName,
        daysLeft,
        owner: look.ownersOf(app),
        why:
          `Its ${credential.kind} expired ${ago === 0 ? 'today' : `${ago} day${ago === 1 ? '' : 's'} ago`}.` +
          (broken.length && stillValid
            ? ` ${broken.length} connection${broken.length === 1 ? ' of this app is' : 's of this app are'} in Error, and the app has a current ${credential.kind}: update ${broken.length === 1 ? 'it' : 'them'} with that one (a secret's value is shown only once: if nobody kept it, create a new one).`
            : broken.length
              ? ` ${broken.length} connection${broken.length === 1 ? ' is' : 's are'} in Error because of it: ${credential.kind === 'secret' ? 'rotate' : 'renew'} it now.`
              : ` ${credential.kind === 'secret' ? 'Rotate' : 'Renew'} it and update whatever still uses it.`),
        articleId: ARTICLES.secretRotation,
        action: credentialAction(app, credential.kind),
        about: aboutApp(app.appId, app),
      });
    }
  }
  return findings;
}

export const credentialExpiredRule: GovernanceRule = {
  kind: 'credential-expired',
  label: 'Credential expired',
  scope: 'directory',
  run: (snapshot, options) => pastEndDate(snapshot, options, { expired: true, stale: false }),
  // The app's owners: they can rotate or renew it.
  stakeholders: ownersAndMakers,
  appsReported: (app, now, options) => hasCredentialEndingWithin(app, now, -options.staleAfterDays, 0),
  ownersNeeded: {
    app: (app, now, options) => hasCredentialEndingWithin(app, now, -options.staleAfterDays, 0),
  },
};
