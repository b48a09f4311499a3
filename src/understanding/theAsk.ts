/**
 * The part of a chatty message that asks something. People in Teams wrap a request in pleasantries and context
 * ("hey sorry to bother, crazy week, anyway could you check which secrets lapse in 30 days, thanks a lot") or ask
 * first and explain after ("do I have connections that need fixing? I keep getting emails about it"). Read whole,
 * such a message is long and names nothing of the tenant, which is how a knowledge question looks; read as its
 * ask, it is the request it is. The whole text still goes to the answerer when it is a question.
 */

/** A word that turns from the preamble to the ask: what follows it is the ask. */
const TURN_TO_ASK =
  /(?:(?:^|[,.;:!?-]\s*)(?:anyway|anyhow|long story short|tl;?dr|bottom line|in short|my question is|the question is)\b[,:]?|\s(?:anyway|anyhow)[,:])\s+/gi;

/** A closing pleasantry and everything after it. */
const CLOSING =
  /[,.;!-]\s*(?:and\s+)?(?:thanks|thank you|thx|ty|cheers|much appreciated|appreciate it|have a (?:good|great|nice) \w+)\b.*$/i;

/** An opening pleasantry clause, up to its punctuation. */
const OPENING =
  /^(?:(?:hi|hey|hello|hiya|morning|good morning|afternoon)(?: there| all| team| bot)?[,!.]?\s*)?(?:(?:sorry to (?:bother|bug|pester)(?: you)?|hope you(?:'re| are) (?:well|good)|quick (?:one|question))(?:(?!\s-\s)[^,.;!?])*(?:[,.;!?]|\s-)\s*)/i;

const wordCount = (text: string): number => text.split(/\s+/).filter((w) => /\w/.test(w)).length;

export function theAsk(text: string): string {
  let ask = text;
  // after the last turn ("…, anyway could you …"), when enough follows it to be an ask
  const turns = [...ask.matchAll(TURN_TO_ASK)];
  const turn = turns[turns.length - 1];
  if (turn?.index !== undefined) {
    const after = ask.slice(turn.index + turn[0].length);
    if (wordCount(after) >= 3) ask = after;
  }
  const closed = ask.replace(CLOSING, '');
  if (wordCount(closed) >= 2) ask = closed;
  const opened = ask.replace(OPENING, '');
  if (opened !== ask && wordCount(opened) >= 2) ask = opened;
  // a short question first, then only context ("…? I've been getting emails about it"): the question is the ask
  const first = /^([^?]{3,}\?)\s+([^?]+)$/.exec(ask);
  if (first && wordCount(first[1]) <= 12) ask = first[1];
  return ask.trim();
}
