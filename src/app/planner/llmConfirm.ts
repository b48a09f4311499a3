/**
 * Actions with effects — anything that writes or notifies — are never run on the model's word: a question can be
 * misread or prompt-injected into "scan now" (digests to every admin) or "unsubscribe". When the model proposes
 * one, the user gets a card saying what would happen and runs it with [Confirm]; the click carries the action
 * and its parameters, which are validated again like any card data. Read-only actions run directly.
 */
import { renderCard } from '../../cards/renderCard';
import { textReply, type Reply } from '../../cards/reply';
import type { Intent } from './intents';
import { intentFromAction, type LlmActionName } from './llmActions';
import { withoutLinks } from './llmLinks';

export const LLM_CONFIRM_VERB = 'llm.confirm';
export const LLM_CANCEL_VERB = 'llm.cancel';
const MAX_PARAMETERS_CHARS = 2000;

/** What each action with effects does, in the words of the confirmation card. */
const effects: Partial<Record<LlmActionName, { title: string; summary: (p: Record<string, unknown>) => string }>> = {
  scanNow: {
    title: 'Scan now',
    summary: () => 'Scan the connections of the tenant now. New findings are sent to the people subscribed to them.',
  },
  subscribe: {
    title: 'Subscribe',
    summary: (p) =>
      Array.isArray(p.thresholds) && p.thresholds.length
        ? `Turn on your notifications, ${p.thresholds.join(', ')} days before a secret or certificate expires.`
        : 'Turn on your notifications about expiring secrets and broken connections.',
  },
  unsubscribe: { title: 'Unsubscribe', summary: () => 'Turn off your notifications.' },
  requestShare: {
    title: 'Prepare the request',
    summary: (p) =>
      `Prepare a request to share the connection "${plain(p.connectionQuery)}" with ${plain(p.targetUserQuery)}` +
      `${p.environmentQuery ? ` in ${plain(p.environmentQuery)}` : ''}. An approver decides.`,
  },
  requestRotation: {
    title: 'Prepare the request',
    summary: (p) => `Prepare a request to rotate the client secret of "${plain(p.appQuery)}". An approver decides.`,
  },
};

/**
 * A name the model wrote, as plain text for the card: the card's TextBlock renders markdown, and a prompt-injected
 * "connection name" could otherwise carry a link or formatting onto a card the user trusts.
 */
function plain(value: unknown): string {
  return withoutLinks(String(value ?? ''))
    .replace(/[[\]()*_`~<>#|]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function hasEffects(action: string): boolean {
  return Object.prototype.hasOwnProperty.call(effects, action);
}

/** The card that asks the user to confirm an action with effects that the model proposed. */
export function confirmationCard(action: LlmActionName, parameters: Record<string, unknown>, intent: Intent): Reply {
  const effect = effects[action];
  if (!effect) throw new Error(`${action} has no effects to confirm`);
  return {
    cards: [
      renderCard('llmConfirm', {
        // Said in the words of the Intent (thresholds sorted and de-duplicated), run from the parameters again.
        summary: effect.summary(intent as unknown as Record<string, unknown>),
        confirmTitle: effect.title,
        action,
        parameters: JSON.stringify(parameters),
      }),
    ],
  };
}

export type Confirmation = { kind: 'intent'; intent: Intent } | { kind: 'reply'; reply: Reply };

/** The click on a confirmation card's button, or undefined when `verb` is not one of them. */
export function confirmationClicked(verb: string, data: Record<string, unknown>): Confirmation | undefined {
  if (verb === LLM_CANCEL_VERB) return { kind: 'reply', reply: textReply('OK, I did nothing.') };
  if (verb !== LLM_CONFIRM_VERB) return undefined;
  const unusable: Confirmation = {
    kind: 'reply',
    reply: textReply('I could not read that request. Please ask again in your own words.'),
  };
  const { action, parameters } = data;
  if (typeof action !== 'string' || action.length > 40 || !hasEffects(action)) return unusable;
  if (typeof parameters !== 'string' || parameters.length > MAX_PARAMETERS_CHARS) return unusable;
  let parsed: unknown;
  try {
    parsed = JSON.parse(parameters);
  } catch {
    return unusable;
  }
  const checked = intentFromAction(action, parsed);
  return checked.ok ? { kind: 'intent', intent: checked.intent } : unusable;
}
