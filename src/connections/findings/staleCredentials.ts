/**
 * Rule: credentials that expired long ago (more than `staleAfterDays`) and are still registered. Clutter rather than
 * an outage, so it is reported without reading the app's owners (a Graph request per 20 apps); built with the
 * recently expired ones (see expiredCredentials.ts).
 */
import { pastEndDate } from './expiredCredentials';
import { hasCredentialEndingWithin, ownersAndMakers, type GovernanceRule } from './governanceRule';

export const credentialStaleRule: GovernanceRule = {
  kind: 'credential-stale',
  label: 'Stale expired credential',
  scope: 'directory',
  run: (snapshot, options) => pastEndDate(snapshot, options, { expired: false, stale: true }),
  // Whichever owners are known (the scanner reads them only when another credential of the app is in the window).
  stakeholders: ownersAndMakers,
  appsReported: (app, now, options) => hasCredentialEndingWithin(app, now, -Infinity, -options.staleAfterDays),
};
