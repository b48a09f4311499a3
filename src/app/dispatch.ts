/**
 * The dispatcher of what people type: an Intent (from the local or LLM planner) to the domain service that answers
 * it. Card buttons go through the verb catalogue instead (cardVerbs/catalogue.ts). It returns plain replies and
 * notifications; src/app's Application turns those into activities.
 */
import type { Caller } from '../access/caller';
import { renderCard } from '../cards/renderCard';
import { textReply } from '../cards/reply';
import { HANDOVER_REQUEST_VERB } from '../operations/handover/definition';
import { REPOINT_REQUEST_VERB } from '../operations/repoint/definition';
import { helpReply } from './helpCard';
import { choicesFor } from './rotationChoices';
import type { Intent } from './planner/intents';
import type { ActionResult, BotServices, TurnStreams } from './services';

export async function handleIntent(
  services: BotServices,
  caller: Caller,
  intent: Intent,
  streams: TurnStreams = {},
): Promise<ActionResult> {
  const { connections, approvals, notifications } = services;
  switch (intent.kind) {
    case 'help':
      return { reply: helpReply({ demoMode: services.ctx.config.demoMode }) };
    case 'greeting':
      return { reply: helpReply({ demoMode: services.ctx.config.demoMode, greeting: true }) };
    case 'question':
      return { reply: await services.knowledge.ask(caller, intent.text) };
    case 'showMyConnections':
      return { reply: await connections.myConnections(caller) };
    case 'diagnoseFlow':
      return { reply: await connections.diagnoseFlow(caller, { flowName: intent.flowName }) };
    case 'solutionReferences':
      return { reply: await connections.solutionReferences(caller, intent.solutionName) };
    case 'expiringSecrets':
      return { reply: await connections.expiringCredentials(caller, { withinDays: intent.withinDays }) };
    case 'healthReport':
      return { reply: await connections.healthReport(caller) };
    case 'requestRotation':
      return { reply: await approvals.requestRotation(caller, { appQuery: intent.appQuery }) };
    case 'requestShare':
      return {
        reply: await approvals.requestShare(caller, {
          connectionQuery: intent.connectionQuery,
          environmentQuery: intent.environmentQuery,
          targetUserQuery: intent.targetUserQuery,
        }),
      };
    case 'audit':
      return { reply: await approvals.audit(caller, { subject: intent.subject }) };
    case 'subscribe':
      return { reply: await notifications.subscribe(caller, { thresholds: intent.thresholds }) };
    case 'unsubscribe':
      return { reply: await notifications.unsubscribe(caller) };
    case 'scanNow':
      return { reply: await notifications.scanNow(caller, streams.scanWatcher) };
    case 'impact':
      return {
        reply: await services.impact.impact(caller, {
          subject: intent.subject,
          subjectType: intent.subjectType,
          subjectId: intent.subjectId,
        }),
      };
    case 'handover':
      // The kind's own request verb, so a sentence and [Hand over] reach the same draft.
      return approvals.startRequest(caller, HANDOVER_REQUEST_VERB, { from: intent.from ?? '', to: intent.to ?? '' });
    case 'repointReferences':
      // The kind's own request button, reached from a sentence: its module finds the solution and builds the preview.
      return approvals.startRequest(caller, REPOINT_REQUEST_VERB, {
        solutionName: intent.solutionName ?? '',
        // A target named in the sentence is the target: the preview uses it, or says why it cannot.
        ...(intent.targetConnection ? { connectionName: intent.targetConnection } : {}),
      });
    case 'clarify': {
      // A rotation the caller may not request is not offered (rotationChoices.ts).
      const choices = await choicesFor(services.ctx, caller, intent.choices);
      if (intent.choices.length && !choices.length) return { reply: textReply(NOTHING_TO_OFFER) };
      return choices.length
        ? { reply: { cards: [renderCard('clarify', { ...intent, choices })] } }
        : { reply: textReply(`${intent.title} ${intent.intro}`.trim()) };
    }
  }
}

/** When every reading offered was left off: say what the bot needs, not an empty card. */
const NOTHING_TO_OFFER = 'I am not sure what you mean. Tell me a bit more, or say "help" to see what I can do.';

/** Understood requests whose feature is not built yet: say so, and what helps meanwhile. */
