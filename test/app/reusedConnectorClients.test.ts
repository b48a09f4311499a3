/**
 * The adapter builds one ConnectorClient per (bot, service URL, audience) and one UserTokenClient per bot, not one
 * per activity: turns through the real TeamsAdapter (anonymous, as in local development) see the same instances,
 * a second service URL gets its own, and proactive turns (continueConversation) share one among themselves.
 */
import { TurnContext, type Activity } from 'botbuilder';
import { createTeamsAdapter } from '../../src/app/teamsAdapter';
import { loadConfig } from '../../src/config';

const activity = (serviceUrl: string, id: string): Activity =>
  ({
    type: 'message',
    id,
    text: 'hi',
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:megan', name: 'Megan Bowen' },
    recipient: { id: '28:bot', name: 'Connection Ops' },
    conversation: { id: 'personal-megan', conversationType: 'personal' },
    deliveryMode: 'expectReplies',
  }) as Activity;

test('connector and user-token clients are built once and reused across turns', async () => {
  const adapter = createTeamsAdapter(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
  const seen: { connector: unknown; tokens: unknown }[] = [];
  const logic = async (context: TurnContext) => {
    seen.push({
      connector: context.turnState.get(context.adapter.ConnectorClientKey),
      tokens: context.turnState.get((adapter as unknown as { UserTokenClientKey: symbol }).UserTokenClientKey),
    });
  };
  // CloudAdapterBase.processActivity is what process() runs for each HTTP request, after reading the body.
  const processActivity = (
    adapter as unknown as {
      processActivity(auth: string, activity: Activity, logic: (c: TurnContext) => Promise<void>): Promise<unknown>;
    }
  ).processActivity.bind(adapter);

  await processActivity('', activity('https://smba.trafficmanager.net/amer/', 'a1'), logic);
  await processActivity('', activity('https://smba.trafficmanager.net/amer/', 'a2'), logic);
  await processActivity('', activity('https://smba.trafficmanager.net/emea/', 'a3'), logic);
  // Proactive turns (the outbox's sends) ask without an audience: a client of their own, shared by all of them.
  // (Anonymous, the adapter sends proactively only to a loopback service URL, as the Playground's.)
  for (const id of ['a4', 'a5']) {
    const reference = TurnContext.getConversationReference(activity('http://127.0.0.1:56150/_connector', id));
    await adapter.continueConversationAsync('', reference, logic);
  }

  expect(seen).toHaveLength(5);
  expect(seen[0].connector).toBeDefined();
  expect(seen[1].connector).toBe(seen[0].connector);
  expect(seen[2].connector).not.toBe(seen[0].connector);
  expect(seen[3].connector).toBeDefined();
  expect(seen[4].connector).toBe(seen[3].connector);
  expect(seen[0].tokens).toBeDefined();
  expect(new Set(seen.map((s) => s.tokens)).size).toBe(1);
});

test('anonymous, proactive messages go only to loopback service URLs', async () => {
  const adapter = createTeamsAdapter(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
  const reference = TurnContext.getConversationReference(activity('https://attacker.example.net/', 'p1'));
  let ran = false;
  await expect(
    adapter.continueConversationAsync('', reference, async () => {
      ran = true;
    }),
  ).rejects.toThrow(/loopback/);
  expect(ran).toBe(false);
});
