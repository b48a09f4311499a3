/**
 * Who a connection may be shared with. "OAuth connections can only be explicitly shared with a user representing a
 * service principal" (Microsoft Learn, "Use a connection reference in a solution"): a person's sign-in (Outlook,
 * SharePoint, Dataverse…) and a service principal's own (oauthSP) are OAuth; a SQL Server authentication login, an
 * API key or basic authentication are not, and may be shared with people (Can use).
 */
import type { Connection, Principal } from '../tenant/model';

/**
 * The code the demo tenant answers such a share with (the real service's own code is not documented; a refusal is
 * recognised by it, and the bot refuses before sending whenever it can read the connection).
 */
export const OAUTH_SHARE_REFUSED = 'OAuthConnectionShareNotAllowed';

/** authType 'other' = neither a person's sign-in nor a service principal's (SQL login, API key, basic). */
export function isOAuthConnection(connection: Pick<Connection, 'authType'>): boolean {
  return connection.authType !== 'other';
}

export function mayShareWith(connection: Pick<Connection, 'authType'>, principalType: Principal['type']): boolean {
  return principalType === 'ServicePrincipal' || !isOAuthConnection(connection);
}

/** Why a share with a person is refused, and what works instead (friendly text for requesters). */
export function oauthShareRefusal(connectionName: string, personName: string): string {
  return (
    `${connectionName} is an OAuth connection: it can be shared only with a service principal (for example a ` +
    `deployment pipeline's), not with ${personName}. If ${personName} needs to turn on a flow that uses it, its ` +
    `owner turns the flow on once (from then on any co-owner can turn it off and on), or ${personName} uses a ` +
    'connection of their own.'
  );
}
