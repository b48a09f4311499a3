/**
 * Buttons of the card that asks to confirm an action the LLM planner proposed (planner/llmConfirm.ts): [Confirm]
 * runs it as if the person had typed it, Cancel does nothing. The action's parameters travel as a JSON string and
 * are validated again by the action's own schema.
 */
import type { Caller } from '../../access/caller';
import { handleIntent } from '../dispatch';
import { confirmationClicked, LLM_CANCEL_VERB, LLM_CONFIRM_VERB, type Confirmation } from '../planner/llmConfirm';
import type { ActionResult, BotServices } from '../services';
import { cardVerb } from './cardVerb';
import { text } from './cardFields';

async function answer(
  services: BotServices,
  caller: Caller,
  confirmation: Confirmation | undefined,
): Promise<ActionResult> {
  if (confirmation?.kind === 'intent') return handleIntent(services, caller, confirmation.intent);
  return { reply: confirmation?.reply ?? { cards: [] } };
}

export const llmVerbs = [
  cardVerb({
    verb: LLM_CONFIRM_VERB,
    data: { action: text(), parameters: text(2000) },
    handle: (services, caller, click) => answer(services, caller, confirmationClicked(LLM_CONFIRM_VERB, click)),
  }),
  cardVerb({
    verb: LLM_CANCEL_VERB,
    data: { action: text() },
    handle: (services, caller, click) => answer(services, caller, confirmationClicked(LLM_CANCEL_VERB, click)),
  }),
];
