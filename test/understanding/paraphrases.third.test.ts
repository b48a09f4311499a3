/**
 * A third probe of other wordings, test/understanding/paraphrases.third.jsonl, aimed at what the first two did not
 * cover: Teams fragments ("conn broken??"), long messages with the ask in the middle, a knowledge question mixed
 * with the tenant, negation and cancelling ("don't share it", "not asking to hand over … just what would break"),
 * follow-ups after a card, tenant names typed lower-case or misspelt, approver and admin phrasing, and out-of-scope
 * lines. It shares no distinctive phrase with the QA dev sets or the two older probes, and was measured once before
 * any fix (64/96); FLOOR is raised only by fixes that keep the dev sets and older probes whole.
 *
 * Lines run through the chat CLI in one conversation per user, in file order, so a follow-up is read after the line
 * it follows. The scoring rule is the one of paraphrases.test.ts (the QA scorer's).
 */
import { chatJsonl, type ChatOutput } from '../support/chatJsonl';
import { PRIVILEGED, accepted, holds, readProbes, type Probe } from './probeSet';

/** Lines understood right: 64 of 96 when the probe was written, before any fix; raised with each fix. */
const FLOOR = 91;

const probes: Probe[] = readProbes('paraphrases.third.jsonl');

describe('understanding a third probe of wordings (fragments, rambling, negation, approvers, admins)', () => {
  let outputs: Map<string, ChatOutput>;
  beforeAll(() => {
    outputs = chatJsonl(probes.map((p) => ({ id: p.id, text: p.text, as: p.as ?? 'alexw@example.com' })));
  }, 320_000);

  const described = (p: Probe) => `${p.id} "${p.text}" → ${JSON.stringify(outputs.get(p.id)?.understood)}`;

  it('has the kinds of line it was written for', () => {
    const groups = new Set(probes.map((p) => p.group));
    for (const g of ['negation', 'followup', 'mixed', 'approver', 'outOfScope', 'ambiguous'])
      expect(groups).toContain(g);
    expect(probes.length).toBeGreaterThanOrEqual(80);
  });

  // (three did at the first measurement: a refused hand-over, a refused share, "leaning on" read as "leaving")
  it('never drafts a privileged request from a line that does not ask for it', () => {
    const misfires = probes.filter((p) => {
      const intent = outputs.get(p.id)?.understood?.intent ?? '';
      return PRIVILEGED.includes(intent) && !accepted(p).includes(intent);
    });
    expect(misfires.map(described)).toEqual([]);
  });

  it('reads requests from outside its subject as questions (declined by the answerer)', () => {
    const wrong = probes.filter((p) => p.group === 'outOfScope' && !holds(p, outputs.get(p.id))).map(described);
    expect(wrong).toEqual([]);
  });

  it(`understands at least ${FLOOR} of the lines, intent and tenant names`, () => {
    const right = probes.filter((p) => holds(p, outputs.get(p.id))).length;
    const misses = probes.filter((p) => !holds(p, outputs.get(p.id))).map(described);
    // below the floor, the failure lists every line missed
    expect(right >= FLOOR ? [] : misses).toEqual([]);
  });
});
