/**
 * A model's reply without citations may still reach the user when it states nothing: a short clarifying
 * question ("Which flow do you mean?") whose names and numbers all come from the user's own message, with no
 * link, or the fixed refusal the prompt asks for. Anything else without citations goes to the local planner.
 */
import { supportFrom, unsupportedFacts } from './llmFacts';
import { keepOnlyLinksTo, splitSentences } from './llmLinks';

export const OFF_TOPIC_REFUSAL = 'I can only help with Power Platform connections.';
const MAX_CLARIFY_CHARS = 300;

export function isFactFreeReply(reply: string, userText: string): boolean {
  const text = reply.trim();
  if (text === OFF_TOPIC_REFUSAL) return true;
  if (!text || text.length > MAX_CLARIFY_CHARS || !text.endsWith('?')) return false;
  const sentences = splitSentences(text);
  if (sentences.length > 2) return false;
  if (keepOnlyLinksTo(text, new Set()).removed > 0) return false;
  const support = supportFrom([userText]);
  return sentences.every((s) => unsupportedFacts(s, support).length === 0);
}
