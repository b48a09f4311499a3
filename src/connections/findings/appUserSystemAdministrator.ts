/**
 * Rule: an application user (a service principal inside Dataverse) holding System Administrator. Apps should get a
 * least-privilege custom role; a leaked secret of a System Administrator app user owns the whole environment.
 */
import type { SnapshotApplicationUser, TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { RuleFinding } from './finding';
import { aboutApp } from './findingAbout';
import { ownersAndMakers, type GovernanceRule } from './governanceRule';
import { lookups } from './snapshotLookups';

/** Whether the app user holds System Administrator (enabled or not). */
export function holdsSystemAdministrator(appUser: Pick<SnapshotApplicationUser, 'roles'>): boolean {
  return appUser.roles.some((r) => /^system administrator$/i.test(r.name.trim()));
}

export function appUsersWithSystemAdministrator(snapshot: TenantSnapshot): RuleFinding[] {
  const look = lookups(snapshot);
  return snapshot.applicationUsers
    .filter((u) => !u.isDisabled && holdsSystemAdministrator(u))
    .map((u) => {
      const app = look.appByAppId(u.applicationId);
      return {
        id: `appuser-system-administrator:${u.environmentId}:${u.applicationId.toLowerCase()}`,
        kind: 'appuser-system-administrator',
        severity: 'high',
        subject: app?.displayName ?? u.fullName,
        environment: look.environmentName(u.environmentId),
        owner: app ? look.ownersOf(app) : undefined,
        why: 'This app user holds System Administrator: anyone with its secret controls the whole environment; give it a least-privilege role.',
        articleId: ARTICLES.applicationUsers,
        action: {
          title: 'Review app user',
          url: `https://admin.powerplatform.microsoft.com/environments/environment/${encodeURIComponent(u.environmentId)}/appusers`,
        },
        about: aboutApp(u.applicationId, app, u.environmentId),
      } satisfies RuleFinding;
    });
}

export const appUserSystemAdministratorRule: GovernanceRule = {
  kind: 'appuser-system-administrator',
  label: 'App user with System Administrator',
  // Application users are read per environment, but the finding names the app's owners, read from the directory.
  scope: 'directory',
  run: appUsersWithSystemAdministrator,
  // The app's owners: they chose its role.
  stakeholders: ownersAndMakers,
  appsReported: () => false,
  ownersNeeded: { appUser: holdsSystemAdministrator },
};
