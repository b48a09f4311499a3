import type { AccessToken, TokenCredential } from '@azure/identity';
import { credentialFactory } from '../../src/clients/credentials';
import { TokenProvider } from '../../src/clients/tokenProvider';

describe('TokenProvider', () => {
  const made: string[][] = [];
  const make = (): TokenCredential => {
    const scopes: string[] = [];
    made.push(scopes);
    return {
      getToken: async (scope): Promise<AccessToken> => {
        scopes.push(String(scope));
        return { token: `token for ${String(scope)}`, expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
  };
  beforeEach(() => (made.length = 0));

  it('spreads scopes over credentials from a factory, 16 each, and asks once per scope', async () => {
    const provider = new TokenProvider(make);
    const scopes = Array.from({ length: 40 }, (_, i) => `https://org${i}.crm.dynamics.com/.default`);
    const tokens = await Promise.all([...scopes, ...scopes].map((scope) => provider.token(scope, 'dataverse')));
    expect(tokens[0]).toBe(`token for ${scopes[0]}`);
    expect(tokens[40]).toBe(tokens[0]);
    expect(made.map((s) => s.length)).toEqual([16, 16, 8]);
  });

  it('uses a single credential for every scope', async () => {
    const credential = make();
    const provider = new TokenProvider(credential);
    await Promise.all(['a', 'b', 'c'].map((scope) => provider.token(scope, 'x')));
    expect(made).toHaveLength(1);
    expect(made[0]).toEqual(['a', 'b', 'c']);
  });

  it('credentialFactory makes its first credential at once (a bad configuration fails at start-up)', () => {
    expect(() =>
      credentialFactory(() => {
        throw new Error('AUTH_MODE=clientSecret needs CLIENT_ID and CLIENT_SECRET');
      }),
    ).toThrow(/CLIENT_ID/);
    const factory = credentialFactory(make);
    expect(made).toHaveLength(1);
    const first = factory();
    expect(made).toHaveLength(1);
    expect(factory()).not.toBe(first);
    expect(made).toHaveLength(2);
  });
});
