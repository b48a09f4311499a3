/**
 * Generality of understanding: test/understanding/paraphrases.jsonl is a probe set written apart from the QA dev
 * lines (no shared distinctive phrase: other verbs, word orders, typos, mixed case, filler, a Teams @mention),
 * 6-10 wordings for every intent, plus requests from outside the bot's subject and lines that are too thin to act
 * on. It runs through the chat CLI in one conversation per user, as the QA scorer runs its sets, so a line is also
 * read after the one before it (a bare name after a request must not repeat that request).
 *
 * paraphrases.later.jsonl holds 42 more lines written after the fixes the first set led to, and measured once before
 * any further change, so it says how well those fixes carry over to wordings nobody tuned for; it is scored with
 * the rest (the coverage check is the first file's).
 *
 * A line passes when the understood intent is the expected one (or one of the accepted ones) and each expected
 * entity is contained in the understood value (the scorer's rule). Beyond the rate, two things must never happen:
 * a privileged request (share, rotate, re-point, hand over) drafted from a line that does not ask for it — a wrong
 * action is worse than a clarifying card — and an out-of-scope line read as anything but a question (which the
 * knowledge answerer declines).
 */
import { chatJsonl, type ChatOutput } from '../support/chatJsonl';
import { PRIVILEGED, accepted, holds, readProbes, type Probe } from './probeSet';

const first = readProbes('paraphrases.jsonl');
const probes: Probe[] = [...first, ...readProbes('paraphrases.later.jsonl')];

describe('understanding other wordings than the dev set', () => {
  let outputs: Map<string, ChatOutput>;
  beforeAll(() => {
    outputs = chatJsonl(probes.map((p) => ({ id: p.id, text: p.text, as: p.as ?? 'alexw@example.com' })));
  }, 320_000);

  const described = (p: Probe) => `${p.id} "${p.text}" → ${JSON.stringify(outputs.get(p.id)?.understood)}`;

  it('covers every intent with 6 to 10 wordings, and has out-of-scope and ambiguous lines', () => {
    const perIntent = new Map<string, number>();
    for (const p of first.filter((p) => typeof p.intent === 'string' && p.group === p.intent)) {
      perIntent.set(p.group, (perIntent.get(p.group) ?? 0) + 1);
    }
    expect(perIntent.size).toBe(17);
    for (const count of perIntent.values()) {
      expect(count).toBeGreaterThanOrEqual(6);
      expect(count).toBeLessThanOrEqual(10);
    }
    expect(first.filter((p) => p.group === 'outOfScope').length).toBeGreaterThanOrEqual(6);
    expect(first.filter((p) => p.group === 'ambiguous').length).toBeGreaterThanOrEqual(6);
  });

  it('never drafts a privileged request from a line that does not ask for it', () => {
    const misfires = probes
      .filter((p) => {
        const intent = outputs.get(p.id)?.understood?.intent ?? '';
        return PRIVILEGED.includes(intent) && !accepted(p).includes(intent);
      })
      .map(described);
    expect(misfires).toEqual([]);
  });

  it('reads requests from outside its subject as questions (declined by the answerer), never as a request', () => {
    const wrong = probes.filter((p) => p.group === 'outOfScope' && !holds(p, outputs.get(p.id))).map(described);
    expect(wrong).toEqual([]);
  });

  it('asks rather than acts on a line too thin to act on', () => {
    const wrong = probes.filter((p) => p.group === 'ambiguous' && !holds(p, outputs.get(p.id))).map(described);
    expect(wrong).toEqual([]);
  });

  it('understands at least 90% of the other wordings, intent and tenant names', () => {
    const misses = probes.filter((p) => !holds(p, outputs.get(p.id))).map(described);
    expect(misses.length / probes.length).toBeLessThanOrEqual(0.1);
  });
});
