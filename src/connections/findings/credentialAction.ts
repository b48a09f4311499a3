/**
 * The next step for an expiring or expired credential of an app registration: a client secret can be rotated by
 * the bot ([Rotate] starts the approval); a certificate cannot — a new client secret would not renew it, and the
 * connections signing in with the certificate would still break — so it links to the app's page in Entra instead.
 */
import { appCredentialsPageUrl } from '../entraPortal';
import type { AppCredential } from '../tenantFacts';
import type { FindingAction } from './finding';

export function credentialAction(app: { id: string; appId: string }, kind: AppCredential['kind']): FindingAction {
  return kind === 'secret'
    ? { title: 'Rotate', verb: 'rotation.request', data: { appObjectId: app.id } }
    : { title: 'Renew certificate', url: appCredentialsPageUrl(app.appId) };
}
