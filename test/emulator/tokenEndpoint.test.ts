import { ClientCertificateCredential, ClientSecretCredential, UsernamePasswordCredential } from '@azure/identity';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { APPS, fixtureCertificate, USERS } from '../../src/emulator/fixture';
import { decodeJwt } from '../../src/emulator/jwt';

const GRAPH = 'https://graph.microsoft.com/.default';

describe('Entra token endpoint as @azure/identity sees it', () => {
  let emulator: RunningEmulator;
  const options = () => ({ authorityHost: emulator.info.authorityHost, disableInstanceDiscovery: true });
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(() => emulator.close());

  it('issues an RS256 JWT for the bot app with tid, oid, appid and the scope resource as audience', async () => {
    const { tenantId, clientId, clientSecret } = emulator.info;
    const token = await new ClientSecretCredential(tenantId, clientId, clientSecret, options()).getToken(GRAPH);
    const jwt = decodeJwt(token!.token)!;
    expect(jwt.header.alg).toBe('RS256');
    expect(jwt.payload).toMatchObject({
      tid: tenantId,
      appid: clientId,
      oid: APPS.bot.spId,
      aud: 'https://graph.microsoft.com',
    });
    expect(jwt.payload.exp as number).toBeGreaterThan(Date.now() / 1000);
  });

  it("accepts a client assertion signed with Lunch-Order-App's registered certificate", async () => {
    const { key, cert } = fixtureCertificate();
    const credential = new ClientCertificateCredential(
      emulator.info.tenantId,
      APPS.lunchOrder.appId,
      { certificate: `${key}${cert}` },
      options(),
    );
    const token = await credential.getToken('https://api.powerplatform.com/.default');
    expect(decodeJwt(token!.token)!.payload).toMatchObject({
      appid: APPS.lunchOrder.appId,
      aud: 'https://api.powerplatform.com',
    });
  });

  it('refuses an expired secret with AADSTS7000222 and a wrong one with AADSTS7000215', async () => {
    const tenantId = emulator.info.tenantId;
    emulator.control.setClockOffsetDays(800);
    try {
      const expired = new ClientSecretCredential(
        tenantId,
        emulator.info.clientId,
        emulator.info.clientSecret,
        options(),
      );
      await expect(expired.getToken(GRAPH)).rejects.toThrow(/AADSTS7000222/);
    } finally {
      emulator.control.setClockOffsetDays(0);
    }
    const wrong = new ClientSecretCredential(tenantId, APPS.d365.appId, 'not-the-secret', options());
    await expect(wrong.getToken(GRAPH)).rejects.toThrow(/AADSTS7000215/);
  });

  it('signs in a demo user with the password grant', async () => {
    const credential = new UsernamePasswordCredential(
      emulator.info.tenantId,
      emulator.info.clientId,
      USERS.adele.upn,
      'demo',
      options(),
    );
    const token = await credential.getToken('https://service.flow.microsoft.com/.default');
    expect(decodeJwt(token!.token)!.payload).toMatchObject({ oid: USERS.adele.id, upn: USERS.adele.upn });
  });
});

describe('app secrets over their life', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(() => emulator.close());

  async function graphCall(path: string, body?: unknown): Promise<{ status: number; data: Record<string, unknown> }> {
    const { tenantId, clientId, clientSecret, authorityHost, graph } = emulator.info;
    const credential = new ClientSecretCredential(tenantId, clientId, clientSecret, {
      authorityHost,
      disableInstanceDiscovery: true,
    });
    const token = (await credential.getToken(GRAPH))!.token;
    const response = await fetch(`${graph}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return {
      status: response.status,
      data: response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>),
    };
  }
  const tokenWith = (secret: string) =>
    new ClientSecretCredential(emulator.info.tenantId, APPS.coeSync.appId, secret, {
      authorityHost: emulator.info.authorityHost,
      disableInstanceDiscovery: true,
    }).getToken(GRAPH);

  it('a secret from addPassword works, and stops working once removed', async () => {
    const added = await graphCall(`/applications/${APPS.coeSync.id}/addPassword`, {
      passwordCredential: { displayName: 'rotation test' },
    });
    expect(added.status).toBe(200);
    const secret = added.data.secretText as string;
    expect(secret).toHaveLength(40);
    expect(emulator.control.issuedSecrets()).toContain(secret);
    await expect(tokenWith(secret)).resolves.toBeTruthy();

    const removed = await graphCall(`/applications/${APPS.coeSync.id}/removePassword`, { keyId: added.data.keyId });
    expect(removed.status).toBe(204);
    await expect(tokenWith(secret)).rejects.toThrow(/AADSTS7000215/);
  });

  it('a new secret works only after the propagation delay', async () => {
    emulator.control.setSecretPropagationMs(60_000);
    try {
      const added = await graphCall(`/applications/${APPS.coeSync.id}/addPassword`, {
        passwordCredential: { displayName: 'propagating' },
      });
      await expect(tokenWith(added.data.secretText as string)).rejects.toThrow(/AADSTS7000215/);
    } finally {
      emulator.control.setSecretPropagationMs(0);
    }
  });
});
