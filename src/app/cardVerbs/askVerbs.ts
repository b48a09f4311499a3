/**
 * Buttons that ask the bot something in the person's own words: welcome suggestions, "Did you mean" choices, an
 * answer's follow-ups, a finding's "Why it matters", the error card's [Try again], a digest's report button and the
 * impact card's requests. The click runs the button's text exactly as if the person had typed it: the same
 * understanding (with the conversation's last subject), the same dispatch and the same permission checks, with the
 * caller taken from the verified activity as for every click — the card's data carries only the text.
 *
 * Why a verb and not an imBack button (Action.Submit with `msteams: { type: "imBack" }`), from Learn:
 * - imBack ("Card actions"): the client posts the text to the bot as a message from the person who clicked, "as if
 *   the user typed it", visible to everyone in the conversation. The Microsoft 365 Agents Playground sends nothing
 *   at all for it (test/e2e/playgroundSuggestions.test.ts failed on every such button), so none of them worked there.
 * - Action.Execute ("Universal Actions for Adaptive Cards"; cards of version 1.4 or later, ours are 1.5): the quick
 *   start says to replace Action.Submit with Action.Execute. A click is an `adaptiveCard/action` invoke to the bot,
 *   for cards the bot sent in one-on-one chats, group chats and channels alike; the bot answers it with a card "to
 *   display in place of the current one", or with a message for the client to show. In a group chat or channel the
 *   overview's sequential workflows let "any user … progress through their workflow without modifying the card for
 *   other users"; we have not seen that in a real group chat, so there both the card and the answer name who asked.
 * - An invoke posts no message of the person's, so the chat would show an answer to nothing. Hence the card says
 *   what was asked: a card whose question the click settles ("Did you mean", "not sure", an error's [Try again]) is
 *   replaced by "You asked: …"; a card with content of its own (welcome, an answer, the health report, a digest, an
 *   impact card) stays as it was (`keepCard`), and the answer — a new message, as when typed — starts with it.
 * - The invoke is to be answered within 15 s (../shared/design/api-contracts.md), so a click's answer is not
 *   streamed: a "scan now" asked by a button answers with its progress card, as in a group chat.
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
      const line = askedLine(text, turn.askedBy);
      if (keepCard) return { reply: textReply(line) };
      return { reply: { cards: [renderCard('asked', { line })] } };
    },
  }),
];
