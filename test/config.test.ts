import { ConfigError, loadConfig } from '../src/config';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('configuration', () => {
  it('runs in demo mode with no tenant configured', () => {
    const config = loadConfig({});
    expect(config.demoMode).toBe(true);
    expect(config.STORAGE).toBe('sqlite');
    expect(config.EXPIRY_THRESHOLDS_DAYS).toEqual([30, 7, 1]);
  });

  it('refuses a production start without a bot id (anonymous auth), naming the setting', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      TENANT_ID: 't',
      CLIENT_ID: 'c',
      CLIENT_SECRET: 's',
      KEY_VAULT_URL: 'https://v.vault.azure.net',
    });
    expect(problems.join('\n')).toMatch(/BOT_ID/);
  });

  it('refuses demo mode in production, naming TENANT_ID', () => {
    const problems = problemsOf({ NODE_ENV: 'production', BOT_ID: 'b', BOT_PASSWORD: 'p' });
    expect(problems.join('\n')).toMatch(/TENANT_ID/);
  });

  it('refuses a multi-tenant bot in production', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      BOT_ID: 'b',
      BOT_PASSWORD: 'p',
      BOT_TYPE: 'MultiTenant',
      TENANT_ID: 't',
      CLIENT_ID: 'c',
      CLIENT_SECRET: 's',
      KEY_VAULT_URL: 'https://v.vault.azure.net',
    });
    expect(problems.join('\n')).toMatch(/BOT_TYPE/);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      BOT_ID: 'b',
      BOT_TYPE: 'UserAssignedMSI',
      TENANT_ID: 't',
      AUTH_MODE: 'managedIdentity',
      KEY_VAULT_URL: 'https://v.vault.azure.net',
    });
    expect(config.demoMode).toBe(false);
  });

  it('names a malformed setting', () => {
    expect(problemsOf({ PORT: 'abc' }).join('\n')).toMatch(/PORT/);
    expect(problemsOf({ EXPIRY_THRESHOLDS_DAYS: '30,soon' }).join('\n')).toMatch(/EXPIRY_THRESHOLDS_DAYS/);
    expect(problemsOf({ STORAGE: 'azure' }).join('\n')).toMatch(/AZURE_STORAGE/);
  });
});
