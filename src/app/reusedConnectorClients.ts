/**
 * One ConnectorClient and UserTokenClient per (app id, service URL, audience), reused by every turn. botbuilder's
 * CloudAdapter would build both (an Azure SDK pipeline, a log sanitizer, proxy settings) for every inbound activity
 * and every proactive message, which is a real share of a turn's CPU. Sharing is safe because the clients keep
 * nothing of a turn: they are built from the bot's app id (from the request's claims: audience, or appid for the
 * Emulator), the service URL and the audience, plus settings fixed for the adapter, and their credentials fetch and
 * cache their own tokens. Only the construction is shared: authentication of each request is untouched.
 */
import type { CloudAdapter } from 'botbuilder';
import {
  AuthenticationConstants,
  type AuthenticateRequestResult,
  type BotFrameworkAuthentication,
  type ClaimsIdentity,
  type ConnectorClient,
  type ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';

/** At most this many distinct clients of each kind are kept (service URLs are a handful per region). */
const MAX_CLIENTS = 100;

function appIdOf(claims: ClaimsIdentity): string {
  return (
    claims.getClaimValue(AuthenticationConstants.AudienceClaim) ??
    claims.getClaimValue(AuthenticationConstants.AppIdClaim) ??
    ''
  );
}

/** One value per key, built once; a build that fails is forgotten so that the next call tries again. */
class BuiltOnce<T> {
  private readonly built = new Map<string, Promise<T>>();

  get(key: string, build: () => Promise<T>): Promise<T> {
    let value = this.built.get(key);
    if (!value) {
      if (this.built.size >= MAX_CLIENTS) this.built.clear();
      value = build();
      this.built.set(key, value);
      value.catch(() => this.built.delete(key));
    }
    return value;
  }
}

export function reuseConnectorClients(adapter: CloudAdapter): void {
  // The adapter's authentication is a protected field of CloudAdapterBase; it is wrapped, not replaced.
  const auth = (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication })
    .botFrameworkAuthentication;
  const connectors = new BuiltOnce<ConnectorClient>();
  const tokenClients = new BuiltOnce<UserTokenClient>();

  const reusing = (factory: ConnectorFactory, appId: string): ConnectorFactory => ({
    create: (serviceUrl: string, audience?: string) =>
      connectors.get(`${appId}|${serviceUrl}|${audience ?? ''}`, () => factory.create(serviceUrl, audience)),
  });

  const authenticateRequest = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader): Promise<AuthenticateRequestResult> => {
    const result = await authenticateRequest(activity, authHeader);
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: reusing(result.connectorFactory, appIdOf(result.claimsIdentity)) };
  };

  const createConnectorFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (claims) => reusing(createConnectorFactory(claims), appIdOf(claims));

  const createUserTokenClient = auth.createUserTokenClient.bind(auth);
  auth.createUserTokenClient = (claims) => tokenClients.get(appIdOf(claims), () => createUserTokenClient(claims));
}
