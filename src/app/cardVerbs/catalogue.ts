/**
 * Every Action.Execute verb the bot answers, one entry each: the verb, the schema of its data and inputs, and its
 * handler. Templates in cards/ and buttons built in code use these verbs, and test/app/cardVerbs/catalogue.test.ts
 * checks that each verb they use is here and each verb here is used. To add a verb: add its entry to the list of
 * its area (or a new list here), then put the verb on a card.
 */
import { approvalVerbs } from './approvalVerbs';
import { askVerbs } from './askVerbs';
import type { CardVerb } from './cardVerb';
import { connectionVerbs } from './connectionVerbs';
import { impactVerbs } from './impactVerbs';
import { llmVerbs } from './llmVerbs';
import { notificationVerbs } from './notificationVerbs';

export const CARD_VERBS: readonly CardVerb[] = [
  ...connectionVerbs,
  ...impactVerbs,
  ...approvalVerbs,
  ...notificationVerbs,
  ...llmVerbs,
  ...askVerbs,
];

const byVerb = new Map(CARD_VERBS.map((entry) => [entry.verb, entry]));
if (byVerb.size !== CARD_VERBS.length) throw new Error('A card verb is listed twice in the catalogue');

export function cardVerbNamed(verb: string): CardVerb | undefined {
  return byVerb.get(verb);
}
