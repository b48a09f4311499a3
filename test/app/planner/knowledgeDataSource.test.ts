import { GPTTokenizer, TurnState } from '@microsoft/teams-ai';
import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import {
  KnowledgeDataSource,
  retrieverFromAnswerer,
  shownPassages,
  type KnowledgeAnswerLike,
} from '../../../src/app/planner/knowledgeDataSource';

const passage = (n: number, words = 20): KnowledgeAnswerLike => ({
  confident: true,
  title: `Article ${n}`,
  passage: Array.from({ length: words }, (_, i) => `fact${n}-${i}`).join(' '),
  sources: [{ title: `Source ${n}`, url: `https://learn.example.com/${n}` }],
});

async function stateFor(input: string): Promise<{ context: TurnContext; state: TurnState }> {
  const activity: Partial<Activity> = {
    type: 'message',
    text: input,
    channelId: 'msteams',
    from: { id: 'u', name: 'u' },
    recipient: { id: 'b', name: 'b' },
    conversation: { id: 'c', isGroup: false, conversationType: 'personal', name: '' },
  };
  const context = new TurnContext(new TestAdapter(), activity);
  const state = new TurnState();
  await state.load(context);
  state.temp.input = input;
  return { context, state };
}

describe('knowledge data source', () => {
  it('numbers the best passages with their sources and remembers what it showed', async () => {
    const { context, state } = await stateFor('what is a connection reference');
    const source = new KnowledgeDataSource(() => [passage(1), passage(2)]);

    const rendered = await source.renderData(context, state, new GPTTokenizer(), 1000);

    expect(rendered.output).toContain('[1] Article 1');
    expect(rendered.output).toContain('Source 2 <https://learn.example.com/2>');
    expect(shownPassages(state).map((p) => p.title)).toEqual(['Article 1', 'Article 2']);
  });

  it('shows only whole passages that fit the token budget, so nothing truncated can be cited', async () => {
    const { context, state } = await stateFor('question');
    const source = new KnowledgeDataSource(() => [passage(1, 10), passage(2, 400), passage(3, 10)]);

    const rendered = await source.renderData(context, state, new GPTTokenizer(), 120);

    expect(rendered.output).not.toContain('Article 2');
    expect(shownPassages(state).map((p) => p.title)).toEqual(['Article 1']);
    expect(rendered.length).toBeLessThanOrEqual(120);
  });

  it('says when it found nothing', async () => {
    const { context, state } = await stateFor('write me a poem');
    const rendered = await new KnowledgeDataSource(() => []).renderData(context, state, new GPTTokenizer(), 500);

    expect(rendered.output).toContain('(none found for this message)');
    expect(shownPassages(state)).toEqual([]);
  });

  it('takes only confident answers from the local answerer', () => {
    const weak = { ...passage(1), confident: false };
    expect(retrieverFromAnswerer({ answer: () => weak })('anything')).toEqual([]);
    expect(retrieverFromAnswerer({ answer: () => passage(2) })('anything')).toEqual([passage(2)]);
  });
});
