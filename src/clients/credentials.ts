/**
 * The backend identity, chosen by config (AUTH_MODE): client secret, client certificate, managed identity, or
 * DefaultAzureCredential. The authority host always comes from config (national clouds, the emulator); instance
 * discovery is turned off when that host is not one of Microsoft's, since discovery would call the public cloud.
 */
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  UsernamePasswordCredential,
  type TokenCredential,
} from '@azure/identity';
import type { Config } from '../config';

const MICROSOFT_AUTHORITY_SUFFIXES = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.de',
  'login.windows.net',
  'login.microsoft.com',
  'login.sts.microsoft.com',
];

export function isMicrosoftAuthority(authorityHost: string): boolean {
  const host = new URL(authorityHost).hostname.toLowerCase();
  return MICROSOFT_AUTHORITY_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}

/** Options every credential gets: the configured authority, and no discovery call to the public cloud elsewhere. */
export function authorityOptions(authorityHost: string): { authorityHost: string; disableInstanceDiscovery: boolean } {
  return { authorityHost, disableInstanceDiscovery: !isMicrosoftAuthority(authorityHost) };
}

export function createCredential(config: Config): TokenCredential {
  const tenantId = config.TENANT_ID;
  if (!tenantId) throw new Error('createCredential: TENANT_ID is not set (demo mode uses the emulator identity)');
  const authority = authorityOptions(config.AUTHORITY_HOST);
  switch (config.AUTH_MODE) {
    case 'clientSecret':
      if (!config.CLIENT_ID || !config.CLIENT_SECRET)
        throw new Error('AUTH_MODE=clientSecret needs CLIENT_ID and CLIENT_SECRET');
      return new ClientSecretCredential(tenantId, config.CLIENT_ID, config.CLIENT_SECRET, authority);
    case 'clientCertificate':
      if (!config.CLIENT_ID || !config.CLIENT_CERTIFICATE_PATH) {
        throw new Error('AUTH_MODE=clientCertificate needs CLIENT_ID and CLIENT_CERTIFICATE_PATH');
      }
      return new ClientCertificateCredential(tenantId, config.CLIENT_ID, config.CLIENT_CERTIFICATE_PATH, authority);
    case 'managedIdentity':
      // IMDS has no authority: the token is issued for the cloud the resource runs in.
      return config.MANAGED_IDENTITY_CLIENT_ID
        ? new ManagedIdentityCredential({ clientId: config.MANAGED_IDENTITY_CLIENT_ID })
        : new ManagedIdentityCredential();
    case 'default':
      return new DefaultAzureCredential({
        tenantId,
        managedIdentityClientId: config.MANAGED_IDENTITY_CLIENT_ID,
        ...authority,
      });
  }
}

/** A user's own identity by the password grant: only for the demo tenant, where tests act as Adele or Megan. */
export function demoUserCredential(
  endpoints: { tenantId: string; authorityHost: string },
  clientId: string,
  userPrincipalName: string,
  password: string,
): TokenCredential {
  return new UsernamePasswordCredential(
    endpoints.tenantId,
    clientId,
    userPrincipalName,
    password,
    authorityOptions(endpoints.authorityHost),
  );
}

/** The demo tenant's own identity (its admin app), as the emulator announces it. */
export function emulatorCredential(info: {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
}): TokenCredential {
  return new ClientSecretCredential(info.tenantId, info.clientId, info.clientSecret, {
    authorityHost: info.authorityHost,
    disableInstanceDiscovery: true,
  });
}

/**
 * A factory of like credentials whose first one is made now, so that a bad configuration fails at start-up, not at
 * the first token (see CredentialSource for why the HTTP layer wants more than one).
 */
export function credentialFactory(make: () => TokenCredential): () => TokenCredential {
  let first: TokenCredential | undefined = make();
  return () => {
    const credential = first ?? make();
    first = undefined;
    return credential;
  };
}
