import { environmentHost, endpointsFromConfig, powerPlatformTemplate } from '../../src/clients/endpoints';
import { isMicrosoftAuthority } from '../../src/clients/credentials';
import { loadConfig } from '../../src/config';

describe('endpoints', () => {
  it('names the Power Platform API host after the environment id', () => {
    expect(environmentHost('Default-12345678-aaaa-bbbb-cccc-1234567890ab')).toBe(
      'default12345678aaaabbbbcccc1234567890.ab',
    );
    expect(environmentHost('a1b2c3d4-e5f6-0000-1111-222233334455')).toBe('a1b2c3d4e5f6000011112222333344.55');
  });

  it('turns an apex Power Platform URL into a per-environment template, and keeps an explicit one', () => {
    expect(powerPlatformTemplate('https://api.powerplatform.com')).toBe(
      'https://{environmentHost}.environment.api.powerplatform.com',
    );
    expect(powerPlatformTemplate('https://127.0.0.1:9/powerplatform/{environmentHost}/')).toBe(
      'https://127.0.0.1:9/powerplatform/{environmentHost}',
    );
  });

  it('takes every URL and scope of a national cloud from config', () => {
    const config = loadConfig({
      TENANT_ID: 't',
      CLIENT_ID: 'c',
      CLIENT_SECRET: 's',
      KEY_VAULT_URL: 'https://v.vault.usgovcloudapi.net',
      AUTHORITY_HOST: 'https://login.microsoftonline.us',
      GRAPH_URL: 'https://graph.microsoft.us/v1.0',
      POWER_PLATFORM_URL: 'https://api.gov.powerplatform.microsoft.us',
      POWER_APPS_SCOPE: 'https://gov.service.powerapps.us/.default',
    });
    const endpoints = endpointsFromConfig(config);
    expect(endpoints.scopes.graph).toBe('https://graph.microsoft.us/.default');
    expect(endpoints.scopes.powerApps).toBe('https://gov.service.powerapps.us/.default');
    expect(endpoints.powerPlatform).toBe('https://{environmentHost}.environment.api.gov.powerplatform.microsoft.us');
    expect(endpoints.authorityHost).toBe('https://login.microsoftonline.us');
  });

  it('turns instance discovery off only for non-Microsoft authorities', () => {
    expect(isMicrosoftAuthority('https://login.microsoftonline.com')).toBe(true);
    expect(isMicrosoftAuthority('https://login.chinacloudapi.cn/')).toBe(true);
    expect(isMicrosoftAuthority('https://127.0.0.1:4443/')).toBe(false);
    expect(isMicrosoftAuthority('https://login.microsoftonline.com.evil.example')).toBe(false);
  });
});
