/**
 * The Bot Framework adapter for real traffic. With BOT_ID set, every request's token is validated (missing,
 * forged, expired, wrong audience or issuer → 401 before any handler runs); with no BOT_ID (local dev only —
 * production refuses it in config) requests are accepted anonymously, as the Agents Playground needs.
 */
import { TeamsAdapter } from '@microsoft/teams-ai';
import { CallerIdConstants } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import type { Config } from '../config';
import { getLogger } from '../logging/logger';
import { reuseConnectorClients } from './reusedConnectorClients';

const log = getLogger('app.adapter');

export function createTeamsAdapter(
  config: Config,
  overrides: { openIdMetadataUrl?: string; tokenIssuer?: string } = {},
) {
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
  reuseConnectorClients(adapter);
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error, activityId: context.activity?.id }, 'unhandled turn error');
    await context
      .sendActivity('Sorry, something went wrong on my side. Please try again in a minute.')
      .catch(() => undefined);
  };
  return adapter;
}

export type { TeamsAdapter };
