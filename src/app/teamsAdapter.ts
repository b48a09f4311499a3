/**
 * The Bot Framework adapter for real traffic. With BOT_ID set, every request's token is validated by our
 * BotTokenValidator (missing, forged, expired, wrong audience or issuer → 401 before any handler runs; keys that
 * cannot be fetched → 503), which replaces botbuilder's own check. With no BOT_ID (the demo tenant on loopback
 * only: the server refuses anything else) requests are accepted anonymously, as the Agents Playground needs, and
 * proactive messages go to loopback service URLs only.
 */
import { TeamsAdapter } from '@microsoft/teams-ai';
import { CallerIdConstants } from 'botbuilder';
import {
  AuthenticationConstants,
  AuthenticationError,
  ClaimsIdentity,
  type BotFrameworkAuthentication,
  type ConnectorFactory,
} from 'botframework-connector';
import type { Config } from '../config';
import { isLoopbackUrl } from '../http/loopback';
import { getLogger } from '../logging/logger';
import { BotTokenValidator, TokenRejected } from './botTokenValidator';
import { reuseConnectorClients } from './reusedConnectorClients';

const log = getLogger('app.adapter');

export interface AdapterOverrides {
  openIdMetadataUrl?: string;
  tokenIssuer?: string;
  /** How long each fetch of the OpenID metadata or its keys may take (default 5 s). */
  metadataTimeoutMs?: number;
}

/** The validator the adapter uses, when a bot id is configured (the server checks headers with it early). */
const validators = new WeakMap<TeamsAdapter, BotTokenValidator>();

export function tokenValidatorOf(adapter: TeamsAdapter): BotTokenValidator | undefined {
  return validators.get(adapter);
}

export function createTeamsAdapter(config: Config, overrides: AdapterOverrides = {}) {
  const adapter = new TeamsAdapter({
    MicrosoftAppId: config.BOT_ID,
    MicrosoftAppPassword: config.BOT_PASSWORD,
    // Without a bot id (local development only) botbuilder runs anonymously, which needs no app type.
    MicrosoftAppType: config.BOT_ID ? config.BOT_TYPE : undefined,
    MicrosoftAppTenantId: config.BOT_TENANT_ID,
    // Tests point token validation at a loopback JWKS. botbuilder then expects the whole public-cloud parameter
    // set (setting one switches it to "all parameters are intentional"), so the others are spelled out.
    ...(overrides.openIdMetadataUrl
      ? {
          ToBotFromChannelOpenIdMetadataUrl: overrides.openIdMetadataUrl,
          ToBotFromChannelTokenIssuer: overrides.tokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
          ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
          ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
          OAuthUrl: AuthenticationConstants.OAuthUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
          CallerId: CallerIdConstants.PublicAzureChannel,
          ValidateAuthority: true,
        }
      : {}),
  } as ConstructorParameters<typeof TeamsAdapter>[0]);
  const auth = (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication })
    .botFrameworkAuthentication;
  if (config.BOT_ID) {
    const validator = new BotTokenValidator({
      appId: config.BOT_ID,
      metadataUrl: overrides.openIdMetadataUrl,
      issuer: overrides.tokenIssuer,
      fetchTimeoutMs: overrides.metadataTimeoutMs,
    });
    validateTokensWith(auth, validator);
    validators.set(adapter, validator);
  } else {
    onlyLoopbackServiceUrls(auth);
  }
  reuseConnectorClients(adapter);
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error, activityId: context.activity?.id }, 'unhandled turn error');
    await context
      .sendActivity('Sorry, something went wrong on my side. Please try again in a minute.')
      .catch(() => undefined);
  };
  return adapter;
}

/**
 * botbuilder's ParameterizedBotFrameworkAuthentication checks the header in one method; it is replaced, so that
 * no token reaches botbuilder's validator (and its untimed key fetch). Fails at start if botbuilder changed.
 */
function validateTokensWith(auth: BotFrameworkAuthentication, validator: BotTokenValidator): void {
  type ValidateHeader = (header: string, channelId: string, serviceUrl: string | null) => Promise<ClaimsIdentity>;
  // botbuilder's ConfigurationBotFrameworkAuthentication delegates to a ParameterizedBotFrameworkAuthentication.
  const outer = auth as unknown as { inner?: unknown };
  const target = (outer.inner ?? auth) as { JwtTokenValidation_validateAuthHeader?: ValidateHeader };
  if (typeof target.JwtTokenValidation_validateAuthHeader !== 'function') {
    throw new Error('botframework-connector changed: cannot install the token validator');
  }
  target.JwtTokenValidation_validateAuthHeader = async (header, channelId, serviceUrl) => {
    try {
      const { claims } = await validator.validate(header, { channelId, serviceUrl });
      return new ClaimsIdentity(
        Object.entries(claims).map(([type, value]) => ({ type, value: value as string })),
        true,
      );
    } catch (error) {
      if (error instanceof TokenRejected) throw new AuthenticationError('Unauthorized', 401);
      throw error;
    }
  };
}

/** Anonymous mode: proactive messages (and card updates) only to a service URL on this machine. */
function onlyLoopbackServiceUrls(auth: BotFrameworkAuthentication): void {
  const guard = (factory: ConnectorFactory): ConnectorFactory => ({
    create: (serviceUrl, audience) => {
      if (!isLoopbackUrl(serviceUrl)) {
        return Promise.reject(new Error('demo mode sends only to loopback service URLs'));
      }
      return factory.create(serviceUrl, audience);
    },
  });
  const createConnectorFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (claims) => guard(createConnectorFactory(claims));
}

export type { TeamsAdapter };
