/**
 * Hostile and odd input at the HTTP front door: 10,000 random activities from a property-based generator, plus
 * hand-picked odd shapes. The server must answer each with a 2xx/4xx (a friendly message for turns it can
 * handle), never crash, and keep its heap flat.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { compose } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { writeReliabilitySummary } from './summary';
import { TENANT_ID, USERS } from '../../src/emulator/fixture';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const TENANT = TENANT_ID;
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

const json = fc.jsonValue({ maxDepth: 3 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const account = fc.record(
  { id: fc.string(), name: maybe(fc.string()), aadObjectId: maybe(fc.oneof(fc.uuid(), fc.string())) },
  { requiredKeys: [] },
);

const activity = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom(
        'message',
        'invoke',
        'conversationUpdate',
        'installationUpdate',
        'event',
        'typing',
        'messageReaction',
      ),
      fc.string(),
    ),
    name: maybe(
      fc.oneof(
        fc.constantFrom('adaptiveCard/action', 'composeExtension/query', 'task/fetch', 'signin/verifyState'),
        fc.string(),
      ),
    ),
    text: maybe(
      fc.oneof(
        fc.string(),
        fc.string({ unit: 'grapheme', maxLength: 2000 }),
        fc.constantFrom('help', 'show my connections', 'audit', '<at>x</at>'),
      ),
    ),
    id: maybe(fc.string()),
    channelId: maybe(fc.constantFrom('msteams', 'webchat', 'emulator', '')),
    serviceUrl: maybe(fc.constantFrom('https://smba.trafficmanager.net/amer/', 'not a url', '')),
    from: maybe(account),
    recipient: maybe(account),
    conversation: maybe(
      fc.record(
        {
          id: fc.string(),
          tenantId: maybe(fc.constantFrom(TENANT, 'other-tenant')),
          conversationType: maybe(fc.constantFrom('personal', 'channel', 'groupChat')),
        },
        { requiredKeys: [] },
      ),
    ),
    value: maybe(
      fc.oneof(
        json,
        fc.record({
          action: fc.record(
            { type: fc.constantFrom('Action.Execute', 'Action.Submit'), verb: fc.string(), data: json },
            { requiredKeys: [] },
          ),
        }),
      ),
    ),
    channelData: maybe(json),
    deliveryMode: fc.constant('expectReplies'),
  },
  { requiredKeys: ['type', 'deliveryMode'] },
);

describe('bad input at /api/messages', () => {
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-'));
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir });
    server = await startServer(await compose(config), { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.shutdown();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const post = async (body: string, contentType = 'application/json') => {
    const response = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    const text = await response.text();
    return { status: response.status, text };
  };

  it.each([
    ['an empty body', '', 400],
    ['null', 'null', 400],
    ['a string', '"hello"', 400],
    ['an unknown activity type', JSON.stringify({ type: 'somethingNew' }), 200],
  ])('answers %s without crashing', async (_what, body, expected) => {
    const { status } = await post(body);
    expect(status === expected || (status >= 200 && status < 500)).toBe(true);
  });

  it('answers a message without an identity with a friendly message, not silence', async () => {
    const { status, text } = await post(
      JSON.stringify({
        type: 'message',
        text: 'show my connections',
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/amer/',
        from: { id: 'x' },
        recipient: { id: 'bot' },
        conversation: { id: 'c1' },
        deliveryMode: 'expectReplies',
      }),
    );
    expect(status).toBe(200);
    expect(text).toMatch(/signed-in members/);
  });

  it('answers an unknown invoke name without running any handler', async () => {
    const { status } = await post(
      JSON.stringify({
        type: 'invoke',
        name: 'no/such/invoke',
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/amer/',
        from: { id: 'x', aadObjectId: USERS.megan.id },
        recipient: { id: 'bot' },
        conversation: { id: 'c1', tenantId: TENANT },
        deliveryMode: 'expectReplies',
      }),
    );
    expect(status).toBeLessThan(500);
  });

  it(`survives ${RUNS} random activities with 2xx/4xx answers and a flat heap`, async () => {
    // Warm up, then measure the heap around the run.
    for (let i = 0; i < 50; i++)
      await post(JSON.stringify({ type: 'message', text: 'help', deliveryMode: 'expectReplies' }));
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(activity, async (a) => {
        const { status } = await post(JSON.stringify(a));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        return status < 500;
      }),
      { numRuns: RUNS, seed: 20261122 },
    );
    gc();
    const growthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    expect(growthMb).toBeLessThan(40);
    writeReliabilitySummary('badInput', {
      'random activities': RUNS,
      'answers 5xx': [...statuses].filter(([status]) => status >= 500).reduce((n, [, count]) => n + count, 0),
      'answers by status': [...statuses].map(([status, count]) => `${status}: ${count}`).join(', '),
      'heap growth MB': Number(growthMb.toFixed(1)),
    });
  }, 300_000);
});
