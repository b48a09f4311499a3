/**
 * Buttons that ask the bot something in the person's own words: welcome suggestions, "Did you mean" choices, an
 * answer's follow-ups, a finding's "Why it matters", the error card's [Try again], a digest's report button and the
 * impact card's requests. The click runs the button's text exactly as if the person had typed it: the same
 * understanding (with the conversation's last subject), the same dispatch and the same permission checks, with the
 * caller taken from the verified activity as for every click — the card's data carries only the text.
 *
 * Why a verb and not an imBack button (Action.Submit with `msteams: { type: "imBack" }`):
 * - An imBack makes the client post the text as a message from the person, "as if the user typed it", visible to
 *   everyone in the conversation (Learn: Teams card actions, imBack). The Microsoft 365 Agents Playground sends
 *   nothing at all for it (test/e2e/playgroundSuggestions.test.ts failed on the imBack buttons), so none of these
 *   buttons worked there.
 * - Action.Execute is the Universal Actions model Teams recommends in place of Action.Submit ("replace all
 *   instances of Action.Submit with Action.Execute"; Learn: Work with Universal Actions for Adaptive Cards). A click
 *   is an `adaptiveCard/action` invoke to the bot in one-on-one chats, group chats and channels alike, and the bot
 *   answers it with a card "to display in place of the current one" (or a message the client shows). In a shared
 *   chat the replacement is what the person who clicked sees: Learn's sequential workflows let "any user in the
 *   chat or channel … progress through their workflow without modifying the card for other users".
 * - An invoke posts no message of the person's, so the chat would show an answer to nothing. Hence the card says
 *   what was asked: a card whose question is settled by the click ("Did you mean", "I'm not sure", an error's
 *   [Try again]) is replaced by "You asked: …"; a card with content of its own (welcome, an answer, the health
 *   report, a digest, an impact card) stays as it was (`keepCard`) and the answer, a new message as when typed,
 *   starts with "You asked: …" instead.
 * - The invoke must be answered within 15 s (docs: ../shared/design/api-contracts.md), so a click's answer is not
 *   streamed: a "scan now" clicked answers with its progress card, as in a group chat.
 */
import { z } from 'zod';
import { renderCard } from '../../cards/renderCard';
import { textReply } from '../../cards/reply';
import { cleanCardString } from './cardFields';
import { cardVerb } from './cardVerb';

export const ASK_VERB = 'chat.ask';

/**
 * The longest text a button may ask: our buttons carry short sentences; the error card's [Try again] carries the
 * message that failed, and is left off when that message is longer (friendlyError.ts).
 */
export const ASK_MAX_CHARS = 1000;

/**
 * What the chat shows in place of the person's own message. In a group chat or channel the answer is seen by
 * everyone, so it names who asked.
 */
export const askedLine = (text: string, who?: string) => `${who ?? 'You'} asked: ${text}`;

export const askVerbs = [
  cardVerb({
    verb: ASK_VERB,
    data: {
      text: z.preprocess(cleanCardString, z.string().max(ASK_MAX_CHARS)),
      keepCard: z.boolean().optional(),
    },
    missing: 'That button does not say what to ask. Type your question and I will answer it.',
    handle: async (_services, _caller, { text, keepCard }, turn) => {
      if (!turn.typed) return { reply: textReply(`Type "${text}" and I will answer it.`) };
      await turn.typed(text, { sayWhatWasAsked: keepCard === true });
      if (keepCard) return { reply: textReply(askedLine(text)) };
      return { reply: { cards: [renderCard('asked', { line: askedLine(text) })] } };
    },
  }),
];
