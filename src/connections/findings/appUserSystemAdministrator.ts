/**
 * Rule: an application user (a service principal inside Dataverse) holding System Administrator. Apps should get a
 * least-privilege custom role; a leaked secret of a System Administrator app user owns the whole environment.
 */
import type { TenantSnapshot } from '../tenantSnapshot';
import { ARTICLES } from './articles';
import type { Finding } from './finding';
import { lookups } from './snapshotLookups';

export function appUsersWithSystemAdministrator(snapshot: TenantSnapshot): Finding[] {
  const look = lookups(snapshot);
  return snapshot.applicationUsers
    .filter((u) => !u.isDisabled && u.roles.some((r) => /^system administrator$/i.test(r.name.trim())))
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
      } satisfies Finding;
    });
}
