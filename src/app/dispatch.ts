/**
 * One dispatcher for both ways of asking: an Intent (from the local or LLM planner) and an Action.Execute verb
 * (from a card button). It calls the domain services and returns plain replies and notifications; src/app's
 * Application turns those into activities.
 */
import type { Caller } from '../access/caller';
import { renderCard } from '../cards/renderCard';
import { textReply } from '../cards/reply';
import { helpReply } from './helpCard';
import type { Intent } from './planner/intents';
import { confirmationClicked } from './planner/llmConfirm';
import type { ActionResult, BotServices } from './services';

const notAvailable = (what: string): ActionResult => ({
  reply: textReply(`${what} is not available in this installation yet. Type "help" to see what I can do.`),
});

export async function handleIntent(services: BotServices, caller: Caller, intent: Intent): Promise<ActionResult> {
  const { connections, approvals, notifications } = services;
  switch (intent.kind) {
    case 'help':
      return { reply: helpReply({ demoMode: services.ctx.config.demoMode }) };
    case 'greeting':
      return { reply: helpReply({ demoMode: services.ctx.config.demoMode, greeting: true }) };
    case 'question':
      return { reply: await services.knowledge.ask(caller, intent.text) };
    case 'showMyConnections':
      return connections ? { reply: await connections.myConnections(caller) } : notAvailable('Connection status');
    case 'diagnoseFlow':
      return connections
        ? { reply: await connections.diagnoseFlow(caller, { flowName: intent.flowName }) }
        : notAvailable('Flow diagnosis');
    case 'solutionReferences':
      return connections
        ? { reply: await connections.solutionReferences(caller, intent.solutionName) }
        : notAvailable('Connection references');
    case 'expiringSecrets':
      return connections
        ? { reply: await connections.expiringCredentials(caller, { withinDays: intent.withinDays }) }
        : notAvailable('Secret expiry');
    case 'healthReport':
      return connections ? { reply: await connections.healthReport(caller) } : notAvailable('The health report');
    case 'requestRotation':
      return approvals
        ? { reply: await approvals.requestRotation(caller, { appQuery: intent.appQuery }) }
        : notAvailable('Secret rotation');
    case 'requestShare':
      return approvals
        ? {
            reply: await approvals.requestShare(caller, {
              connectionQuery: intent.connectionQuery,
              environmentQuery: intent.environmentQuery,
              targetUserQuery: intent.targetUserQuery,
            }),
          }
        : notAvailable('Sharing');
    case 'audit':
      return approvals ? { reply: await approvals.audit(caller, { subject: intent.subject }) } : notAvailable('Audit');
    case 'subscribe':
      return notifications
        ? { reply: await notifications.subscribe(caller, { thresholds: intent.thresholds }) }
        : notAvailable('Notifications');
    case 'unsubscribe':
      return notifications ? { reply: await notifications.unsubscribe(caller) } : notAvailable('Notifications');
    case 'scanNow':
      return notifications ? { reply: await notifications.scanNow(caller) } : notAvailable('Scanning');
    case 'impact':
      return services.impact
        ? {
            reply: await services.impact.impact(caller, {
              subject: intent.subject,
              subjectType: intent.subjectType,
              subjectId: intent.subjectId,
            }),
          }
        : notAvailable('What depends on a person, an app or a connection');
    case 'handover':
      return comingSoon(
        `Handing over ${intent.from ? `${intent.from}'s` : "someone's"} flows and connections${intent.to ? ` to ${intent.to}` : ''}`,
        'Meanwhile, the health report lists the connections owned by people who left.',
      );
    case 'repointReferences':
      return comingSoon(
        `Re-pointing ${intent.solutionName ? `${intent.solutionName}'s` : "a solution's"} connection references`,
        intent.solutionName
          ? `Meanwhile, "connection references in ${intent.solutionName}" shows what each reference uses now.`
          : 'Meanwhile, "connection references in <solution>" shows what each reference uses now.',
      );
    case 'clarify':
      return intent.choices.length
        ? { reply: { cards: [renderCard('clarify', intent)] } }
        : { reply: textReply(`${intent.title} ${intent.intro}`.trim()) };
  }
}

/** Understood requests whose feature is not built yet: say so, and what helps meanwhile. */
function comingSoon(what: string, meanwhile: string): ActionResult {
  return { reply: textReply(`${what} is coming soon: I understood the request, but cannot do it yet. ${meanwhile}`) };
}

/**
 * Card buttons. `data` and `inputs` come from the client and are untrusted: they carry ids that the services
 * load and re-check server-side against the verified caller.
 */
export async function handleCardAction(
  services: BotServices,
  caller: Caller,
  verb: string,
  data: Record<string, unknown>,
  inputs: Record<string, unknown>,
): Promise<ActionResult> {
  // [Confirm] on an action the LLM planner proposed: the user asks for it now, as if they had typed it.
  const confirmed = confirmationClicked(verb, data);
  if (confirmed) {
    return confirmed.kind === 'intent' ? handleIntent(services, caller, confirmed.intent) : { reply: confirmed.reply };
  }
  const fromImpact = await services.impact?.handleAction(caller, verb, data);
  if (fromImpact) return { reply: fromImpact };
  // [Share with …] on the impact card: the same request as typing it, checked by the approvals (OAuth rule).
  if (verb === 'impact.share' && services.approvals) {
    const text = (value: unknown) => (typeof value === 'string' ? value.trim().slice(0, 200) : '');
    return {
      reply: await services.approvals.requestShare(caller, {
        connectionQuery: text(data.connectionDisplayName),
        environmentQuery: text(data.environmentName) || undefined,
        targetUserQuery: text(inputs[text(data.inputId)]),
      }),
    };
  }
  const fromConnections = await services.connections?.handleAction(caller, verb, data);
  if (fromConnections) return { reply: fromConnections };
  const fromApprovals = await services.approvals?.handleAction(caller, verb, data, inputs);
  if (fromApprovals) return fromApprovals;
  const fromNotifications = await services.notifications?.handleAction?.(caller, verb, data);
  if (fromNotifications) return fromNotifications;
  return {
    reply: textReply('That button is no longer supported. Type "help" to see what I can do now.'),
  };
}
