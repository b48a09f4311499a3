/** Feedback on the model's answers, on both adapters: a real SQLite file and a real Azurite. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnswerFeedbackStore } from '../../src/store/answerFeedback';
import { openAzureStore } from '../../src/store/azure/openAzureStore';
import type { Store } from '../../src/store/ports';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore';
import { startAzurite, type RunningAzurite } from '../support/azurite';

const dir = mkdtempSync(join(tmpdir(), 'connection-ops-feedback-'));
let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite();
}, 60_000);
afterAll(async () => {
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const adapters: [string, () => Promise<Store>][] = [
  ['sqlite', async () => openSqliteStore({ file: join(dir, `${randomBytes(4).toString('hex')}.sqlite`) })],
  [
    'azure',
    () =>
      openAzureStore({ connectionString: azurite.connectionString, namePrefix: `f${randomBytes(3).toString('hex')}` }),
  ],
];

// Teams conversation ids carry characters that store keys refuse (':', '@', ';', '/').
const conversationId = 'a:1Xy/Z;messageid=1700000000000@thread.v2';
const answer = (messageId: string, userId = 'megan') => ({
  messageId,
  conversationId,
  userId,
  question: `question ${messageId}`,
  answer: `answer ${messageId} [1].`,
  sources: ['https://learn.microsoft.com/x'],
  at: '2026-12-01T10:00:00.000Z',
});
const feedback = (messageId: string, reaction: 'like' | 'dislike', at: string, userId = 'megan') => ({
  conversationId,
  messageId,
  userId,
  reaction,
  comment: `comment on ${messageId}`,
  at,
});

describe.each(adapters)('answer feedback on %s', (_name, open) => {
  let store: Store;
  let feedbackStore: AnswerFeedbackStore;
  beforeEach(async () => {
    store = await open();
    feedbackStore = new AnswerFeedbackStore(store.records);
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps reactions with the answer they are about, newest first, and filters dislikes', async () => {
    for (const id of ['m1', 'm2', 'm3']) await feedbackStore.rememberAnswer(answer(id));
    expect(await feedbackStore.recordFeedback(feedback('m1', 'dislike', '2026-12-01T10:01:00.000Z'))).toBe(true);
    expect(await feedbackStore.recordFeedback(feedback('m2', 'like', '2026-12-01T10:02:00.000Z'))).toBe(true);
    expect(await feedbackStore.recordFeedback(feedback('m3', 'dislike', '2026-12-01T10:03:00.000Z'))).toBe(true);

    const disliked = await feedbackStore.recent({ reaction: 'dislike', limit: 10 });
    expect(disliked.map((f) => [f.question, f.comment])).toEqual([
      ['question m3', 'comment on m3'],
      ['question m1', 'comment on m1'],
    ]);
    expect(disliked[0]).toMatchObject({ answer: 'answer m3 [1].', sources: ['https://learn.microsoft.com/x'] });
    expect((await feedbackStore.recent({ limit: 10 })).map((f) => f.reaction)).toEqual(['dislike', 'like', 'dislike']);
  });

  it('keeps one reaction per answer: a second click replaces the first', async () => {
    await feedbackStore.rememberAnswer(answer('m1'));
    await feedbackStore.recordFeedback(feedback('m1', 'dislike', '2026-12-01T10:01:00.000Z'));
    await feedbackStore.recordFeedback(feedback('m1', 'like', '2026-12-01T10:05:00.000Z'));

    expect((await feedbackStore.recent({ limit: 10 })).map((f) => f.reaction)).toEqual(['like']);
  });

  it('refuses feedback on an unknown message and from someone the answer was not for', async () => {
    await feedbackStore.rememberAnswer(answer('m1', 'megan'));

    expect(await feedbackStore.recordFeedback(feedback('nope', 'dislike', '2026-12-01T10:01:00.000Z'))).toBe(false);
    expect(await feedbackStore.recordFeedback(feedback('m1', 'dislike', '2026-12-01T10:01:00.000Z', 'adele'))).toBe(
      false,
    );
    expect(await feedbackStore.recent({ limit: 10 })).toEqual([]);
  });

  it('bounds what it stores', async () => {
    await feedbackStore.rememberAnswer({ ...answer('m1'), question: 'q'.repeat(50_000), answer: 'a'.repeat(50_000) });
    await feedbackStore.recordFeedback({
      ...feedback('m1', 'dislike', '2026-12-01T10:01:00.000Z'),
      comment: 'c'.repeat(50_000),
    });

    const [stored] = await feedbackStore.recent({ limit: 1 });
    expect(stored.question.length).toBeLessThanOrEqual(500);
    expect(stored.answer.length).toBeLessThanOrEqual(2000);
    expect(stored.comment.length).toBeLessThanOrEqual(500);
  });
});
