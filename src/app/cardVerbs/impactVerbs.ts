/**
 * Buttons of the "what depends on X?" card: [Refresh] asks the same question read live, and each section's
 * [Request the share] sends the same share request as typing it (so the approvals' sharing rule applies). A card
 * has one share input per section (ids are unique in a card): the button's `inputId` says which one it reads.
 */
import type { ActionResult, BotServices } from '../services';
import type { Caller } from '../../access/caller';
import { cardVerb } from './cardVerb';
import { id, text } from './cardFields';

/** The subject as the card put it: what was asked, and what it turned out to be. */
export const impactSubject = { subject: text(400), subjectType: text(20), subjectId: id() };

/** As many share inputs as the card has connection sections (impactService.ts lists at most 25). */
const SHARE_INPUTS: Record<`shareWith${number}`, ReturnType<typeof text>> = Object.fromEntries(
  Array.from({ length: 25 }, (_, i) => [`shareWith${i}`, text(200)]),
);

const SUBJECT_TYPES = ['user', 'app', 'connection'] as const;

export function askImpact(
  services: BotServices,
  caller: Caller,
  query: { subject?: string; subjectType?: string; subjectId?: string },
  fresh: boolean,
): Promise<ActionResult> {
  const subjectType = SUBJECT_TYPES.find((t) => t === query.subjectType);
  return services.impact
    .impact(caller, { subject: query.subject, subjectType, subjectId: query.subjectId }, { fresh })
    .then((reply) => ({ reply }));
}

export const impactVerbs = [
  cardVerb({
    verb: 'impact.refresh',
    data: impactSubject,
    handle: (services, caller, query) => askImpact(services, caller, query, true),
  }),
  cardVerb({
    verb: 'impact.share',
    data: { inputId: text(40), connectionDisplayName: text(400), environmentName: text(400) },
    inputs: SHARE_INPUTS,
    missing: 'This button is missing the connection it is about. Ask me again what depends on it.',
    handle: async (services, caller, click) => {
      const typed = click.inputId ? (click as Record<string, unknown>)[click.inputId] : undefined;
      return {
        reply: await services.approvals.requestShare(caller, {
          connectionQuery: click.connectionDisplayName ?? '',
          environmentQuery: click.environmentName || undefined,
          targetUserQuery: typeof typed === 'string' ? typed : '',
        }),
      };
    },
  }),
];
