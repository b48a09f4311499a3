/**
 * In-process answer latency of the knowledge answerer over the QA dev set (many rounds), next to the in-process
 * turn of a bare teams-ai echo bot measured in the same run. Target: p99 under 20 ms.
 */
import { Application, TurnState } from '@microsoft/teams-ai';
import { MemoryStorage, type Activity } from 'botbuilder';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { InProcessAdapter } from '../src/app/inProcessAdapter';
import { createAnswerer, loadKnowledgeBase } from '../src/knowledge';
import { renderCard } from '../src/cards/renderCard';
import { answerCardData } from '../src/knowledge';
import { median, percentile, round } from './support/stats';

const ROUNDS = Number(process.env.BENCH_ANSWER_ROUNDS ?? 50);

function questions(): string[] {
  const file = path.resolve(__dirname, '..', '..', 'shared', 'qa', 'questions.dev.jsonl');
  if (!fs.existsSync(file)) return ['What is a connection reference?', 'How do I share a connection?'];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { question: string }).question);
}

export async function echoTurnSamples(count: number): Promise<number[]> {
  const adapter = new InProcessAdapter();
  const app = new Application<TurnState>({ storage: new MemoryStorage(), startTypingTimer: false });
  app.activity('message', async (context) => {
    await context.sendActivity(`you said: ${context.activity.text}`);
  });
  const activity = (text: string): Partial<Activity> => ({
    type: 'message',
    text,
    channelId: 'msteams',
    from: { id: '29:u', name: 'u', aadObjectId: 'u' },
    recipient: { id: '28:b', name: 'b' },
    conversation: { id: 'c', isGroup: false, conversationType: 'personal', name: '', tenantId: 't' },
  });
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await adapter.process(activity(`hello ${i}`), (context) => app.run(context));
    samples.push(performance.now() - start);
    adapter.outbox.length = 0;
  }
  return samples;
}

export async function run(): Promise<{ figures: Record<string, number | string> }> {
  const qs = questions();
  const answerer = createAnswerer(loadKnowledgeBase());
  for (const q of qs) answerer.answer(q); // warm up
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of qs) {
      const start = performance.now();
      const answer = answerer.answer(q);
      renderCard(answer.confident ? 'answer' : 'notSure', answerCardData(answer));
      samples.push(performance.now() - start);
    }
  }
  const echo = await echoTurnSamples(Math.min(samples.length, 2000));
  return {
    figures: {
      'questions x rounds': `${qs.length} x ${ROUNDS}`,
      'answer+card median ms': round(median(samples), 3),
      'answer+card p99 ms': round(percentile(samples, 99), 3),
      'echo turn median ms (baseline)': round(median(echo), 3),
      'echo turn p99 ms (baseline)': round(percentile(echo, 99), 3),
      'p99 ratio answer/echo': round(percentile(samples, 99) / percentile(echo, 99), 2),
      'target p99 < 20 ms': percentile(samples, 99) < 20 ? 'met' : 'NOT met',
    },
  };
}

if (require.main === module) void run().then((r) => console.log(JSON.stringify(r, null, 2)));
