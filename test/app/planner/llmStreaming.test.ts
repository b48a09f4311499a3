/**
 * The LLM mode's knowledge answer in a one-on-one chat, streamed: the bot (compose() on the demo tenant, the
 * in-process adapter) with the real teams-ai planner talking HTTPS to the Azure OpenAI stub. The stub holds its
 * answer until the bot has sent its informative update, so the order is an event, not a race; then the answer ends
 * that stream as the final message, carrying the AI label, its citations (with their links) and the feedback
 * buttons. In a group chat nothing is streamed: the same answer is one message.
 */
import { ActivityTypes, type Activity, type ResourceResponse, type TurnContext } from 'botbuilder';
import { createBot, type Bot } from '../../../src/app/bot';
import { InProcessAdapter } from '../../../src/app/inProcessAdapter';
import { retrieverFromAnswerer } from '../../../src/app/planner/knowledgeDataSource';
import { READING_ARTICLES, selectPlanner } from '../../../src/app/planner/llmPlanner';
import { emulatorCertDir } from '../../../src/compose';
import { ensureEmulatorCertificate } from '../../../src/emulator';
import { createAnswerer, loadKnowledgeBase } from '../../../src/knowledge';
import { passageSentence, startAzureOpenAiStub, type AzureOpenAiStub } from '../../support/azureOpenAiStub';
import { startTestComposition, TENANT_ID, USERS, type TestComposition } from '../../support/testComposition';

const QUESTION = 'What is a service principal connection?';

/** The in-process adapter, telling the test when an informative update goes out. */
class WatchedAdapter extends InProcessAdapter {
  private informed?: () => void;
  nextInformative(): Promise<void> {
    return new Promise((resolve) => (this.informed = resolve));
  }
  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses = await super.sendActivities(context, activities);
    const informative = activities.some(
      (a) => (a.channelData as { streamType?: string } | undefined)?.streamType === 'informative',
    );
    if (informative) this.informed?.();
    return responses;
  }
}

let t: TestComposition;
let stub: AzureOpenAiStub;
let adapter: WatchedAdapter;
let bot: Bot;
/** What the stub waits for before it answers the current question. */
let release: Promise<unknown> = Promise.resolve();

beforeAll(async () => {
  const certDir = emulatorCertDir();
  await ensureEmulatorCertificate(certDir);
  stub = await startAzureOpenAiStub(certDir, ({ user, system }) =>
    user === QUESTION
      ? {
          kind: 'later',
          until: release,
          then: { kind: 'content', content: `${passageSentence(system, 1) ?? ''} [1].` },
        }
      : { kind: 'status', status: 418 },
  );
  t = await startTestComposition();
  const llmPlanner = selectPlanner(
    {
      AZURE_OPENAI_ENDPOINT: stub.endpoint,
      AZURE_OPENAI_API_KEY: 'stub-key-0123456789',
      AZURE_OPENAI_DEPLOYMENT: 'gpt-4o',
    },
    // Announce at once: the stub holds its answer until the announcement is out.
    { retrieve: retrieverFromAnswerer(createAnswerer(loadKnowledgeBase())), informAfterMs: 0, timeoutMs: 20_000 },
  );
  adapter = new WatchedAdapter();
  bot = createBot({ services: { ...t.composition.services, llmPlanner }, adapter });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await stub?.close();
});

async function ask(conversation: { id: string; conversationType: string; isGroup: boolean }) {
  const start = adapter.outbox.length;
  const megan = USERS.megan;
  await adapter.process(
    {
      type: ActivityTypes.Message,
      text: QUESTION,
      channelId: 'msteams',
      from: { id: `29:${megan.id}`, name: megan.displayName, aadObjectId: megan.id },
      recipient: { id: '28:connection-ops', name: 'Connection Ops' },
      conversation: { ...conversation, tenantId: TENANT_ID, name: '' },
      channelData: { tenant: { id: TENANT_ID } },
      locale: 'en-US',
    } as Partial<Activity>,
    (context) => bot.run(context),
  );
  return adapter.outbox.slice(start).map((o) => o.activity);
}

const streamTypeOf = (a: Partial<Activity>) => (a.channelData as { streamType?: string } | undefined)?.streamType;
type Claim = { position: number; appearance: { name: string; url?: string } };
const aiEntity = (a: Partial<Activity>) =>
  (a.entities ?? []).find((e) => JSON.stringify(e.additionalType ?? '').includes('AIGeneratedContent')) as
    { citation?: Claim[] } | undefined;

test('one-on-one: an informative update while the model writes, then the answer ends the stream with its citations', async () => {
  release = adapter.nextInformative();
  const sent = await ask({ id: 'personal-megan', conversationType: 'personal', isGroup: false });

  expect(sent.map(streamTypeOf)).toEqual(['informative', 'final']);
  const [informative, final] = sent;
  expect(informative.text).toBe(READING_ARTICLES);
  expect(final.type).toBe('message');
  expect(final.id).toBe(informative.id);
  expect(final.text).toMatch(/\[1\]\.$/);
  // The final message carries what the plain answer carries: the AI label, the citation with its link, feedback.
  const citation = aiEntity(final)?.citation?.[0];
  expect(citation?.position).toBe(1);
  expect(citation?.appearance.url).toMatch(/^https:\/\//);
  expect((final.channelData as { feedbackLoopEnabled?: boolean }).feedbackLoopEnabled).toBe(true);
}, 60_000);

test('group chat: no stream, the same cited answer as one message', async () => {
  release = Promise.resolve();
  const sent = await ask({ id: '19:group@thread.v2', conversationType: 'groupChat', isGroup: true });

  expect(sent.map(streamTypeOf)).toEqual([undefined]);
  expect(sent[0].text).toMatch(/\[1\]\.$/);
  expect(aiEntity(sent[0])?.citation?.[0]?.appearance.url).toMatch(/^https:\/\//);
}, 60_000);
