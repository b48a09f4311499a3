/**
 * A card click from the verb to the answer, without teams-ai: the generic checks of cardActionGuard.ts first
 * (before any lookup, audit or log), then the verb's entry in the catalogue, its schema, and its handler. Every
 * way a click can be wrong — an unknown verb, a field of the wrong type or too long, a field missing — gets a
 * plain answer, never an exception.
 */
import type { Caller } from '../../access/caller';
import { textReply } from '../../cards/reply';
import { cardActionProblem, RefusedClicks } from '../cardActionGuard';
import type { ActionResult, BotServices } from '../services';
import type { ClickTurn } from './cardVerb';
import { cardVerbNamed } from './catalogue';
import { operationRequestVerb } from './operationRequestVerbs';

const UNKNOWN_VERB = textReply('That button is no longer supported. Type "help" to see what I can do now.');

export class CardClicks {
  private readonly refused: RefusedClicks;

  constructor(private readonly services: BotServices) {
    this.refused = new RefusedClicks(services.ctx);
  }

  /** `verb` and `data` exactly as the client sent them (Teams merges the card's inputs into `data`). */
  async click(caller: Caller, verb: unknown, data: unknown, turn: ClickTurn = {}): Promise<ActionResult> {
    const name = typeof verb === 'string' ? verb : '';
    const problem = cardActionProblem(name, data);
    if (problem) return { reply: await this.refused.refuse(caller, name, problem) };
    const entry = cardVerbNamed(name) ?? operationRequestVerb(name, this.services);
    if (!entry) return { reply: UNKNOWN_VERB };
    const checked = entry.check(data);
    if (checked.ok) return checked.run(this.services, caller, turn);
    if (checked.missing) return { reply: textReply(checked.answer) };
    return { reply: await this.refused.refuse(caller, name, checked.field) };
  }
}
