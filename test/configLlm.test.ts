/** The LLM planner's settings are checked with the rest of the configuration (src/config.ts). */
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

const llm = {
  AZURE_OPENAI_ENDPOINT: 'https://contoso-openai.openai.azure.com',
  AZURE_OPENAI_API_KEY: 'key',
  AZURE_OPENAI_DEPLOYMENT: 'gpt-4o',
};

describe('configuration: LLM planner', () => {
  it('accepts all three settings with an https endpoint, and a turn budget of 8 s by default', () => {
    expect(problemsOf(llm)).toEqual([]);
    expect(loadConfig(llm).AZURE_OPENAI_TIMEOUT_MS).toBe(8000);
    expect(loadConfig({ ...llm, AZURE_OPENAI_TIMEOUT_MS: '2500' }).AZURE_OPENAI_TIMEOUT_MS).toBe(2500);
  });

  it.each(['http://contoso-openai.openai.azure.com', 'HTTP://127.0.0.1:8080/', 'ftp://x', 'contoso.openai.azure.com'])(
    'refuses the endpoint %s: it must be https',
    (endpoint) => {
      expect(problemsOf({ ...llm, AZURE_OPENAI_ENDPOINT: endpoint }).join('\n')).toMatch(
        /AZURE_OPENAI_ENDPOINT: must be an https:\/\/ URL/,
      );
    },
  );

  it('refuses a partial configuration instead of silently running without the model', () => {
    expect(problemsOf({ ...llm, AZURE_OPENAI_API_KEY: undefined }).join('\n')).toMatch(/set all three/);
    expect(problemsOf({ AZURE_OPENAI_DEPLOYMENT: 'gpt-4o' }).join('\n')).toMatch(/set all three/);
  });

  it('treats empty settings as not set (the local planner stays)', () => {
    expect(problemsOf({ AZURE_OPENAI_ENDPOINT: '', AZURE_OPENAI_API_KEY: ' ', AZURE_OPENAI_DEPLOYMENT: '' })).toEqual(
      [],
    );
  });
});
