import { startEmulator, type RunningEmulator } from '../../src/emulator';
import type { RecordedRequest } from '../../src/emulator/core';
import { EmulatorHttp, SCOPES } from './emulatorHttp';

// The scan bench replays the very requests a scan made (its "no client can do better" figure): the recording must
// hold each API request as sent, so that sending it again gets the same answer, and nothing while it is off.
describe('request recording (control)', () => {
  let emulator: RunningEmulator;
  let http: EmulatorHttp;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    http = new EmulatorHttp(emulator);
  });
  afterAll(() => emulator.close());

  const control = (name: string, method = 'GET', body?: unknown) =>
    http.call<{ value: RecordedRequest[] }>(method, `${emulator.info.control}/${name}`, undefined, body);

  it('records API requests while on, and they replay to the same answer', async () => {
    const token = await http.botToken(SCOPES.graph);
    const url = `${emulator.info.graph}/applications?$select=id,displayName&$top=2`;
    await http.call('GET', url, token); // before recording: not kept
    expect((await control('recording', 'POST', { on: true })).status).toBe(200);
    const original = await http.call('GET', url, token);
    const batch = await http.call('POST', `${emulator.info.graph}/$batch`, token, {
      requests: [{ id: '1', method: 'GET', url: '/applications?$select=id&$top=1' }],
    });
    const recorded = (await control('recorded')).data.value;
    await control('recording', 'POST', { on: false });

    expect(recorded.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(recorded[0].path).toBe(new URL(url).pathname + new URL(url).search);
    expect(recorded[0].headers.authorization).toBe(`Bearer ${token}`);
    expect(recorded[0].headers.host).toBeUndefined();
    const origin = emulator.info.authorityHost;
    const again = await http.call('GET', origin + recorded[0].path, undefined, undefined, {
      headers: recorded[0].headers,
    });
    expect(again.data).toEqual(original.data);
    const batchAgain = await http.call('POST', origin + recorded[1].path, undefined, recorded[1].body, {
      headers: recorded[1].headers,
    });
    expect(batchAgain.data).toEqual(batch.data);
    expect((await control('recorded')).data.value).toEqual([]);
  });
});
