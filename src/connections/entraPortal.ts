/**
 * Links into the Microsoft Entra admin center, where app registrations' certificates are renewed (the bot rotates
 * client secrets, not certificates: a certificate's private key lives with whoever signs in with it). Public cloud
 * address; national clouds use other hosts, so it is the one place to change.
 */
const ENTRA_ADMIN_CENTER = 'https://entra.microsoft.com';

/** The "Certificates & secrets" page of one app registration, by its application (client) id. */
export function appCredentialsPageUrl(appId: string): string {
  return `${ENTRA_ADMIN_CENTER}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Credentials/appId/${encodeURIComponent(appId)}`;
}
