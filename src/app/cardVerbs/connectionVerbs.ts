/**
 * Buttons of the connection views: paging, [Refresh] and [Retry] ask for a view again (which one, and its own
 * parameters, travel in the data), and a flow picker's button diagnoses the chosen flow by id.
 */
import type { ActionResult, BotServices, ConnectionsView } from '../services';
import type { Caller } from '../../access/caller';
import { cardVerb } from './cardVerb';
import { count, id, requiredId, text } from './cardFields';
import { askImpact, impactSubject } from './impactVerbs';

/** A view and its parameters, as partialResult.ts, myConnections.json and healthReport.json put them. */
const view = {
  view: text(40),
  page: count(),
  flowName: text(),
  environmentId: id(),
  flowId: id(),
  solutionName: text(),
  withinDays: count(),
  // The impact view's own parameters (its [Retry] after a gap comes here as view 'impact').
  ...impactSubject,
};

const show =
  (fresh: boolean) =>
  async (
    services: BotServices,
    caller: Caller,
    {
      subject,
      subjectType,
      subjectId,
      ...request
    }: ConnectionsView & { subject?: string; subjectType?: string; subjectId?: string },
  ): Promise<ActionResult> =>
    request.view === 'impact'
      ? askImpact(services, caller, { subject, subjectType, subjectId }, fresh)
      : { reply: await services.connections.show(caller, request, { fresh }) };

export const connectionVerbs = [
  cardVerb({ verb: 'connections.page', data: view, handle: show(false) }),
  cardVerb({ verb: 'connections.retry', data: view, handle: show(false) }),
  cardVerb({ verb: 'connections.refresh', data: view, handle: show(true) }),
  cardVerb({
    verb: 'flow.diagnose',
    data: { environmentId: requiredId(), flowId: requiredId() },
    missing: 'That button is missing which flow to check. Ask me again by name.',
    handle: async (services, caller, flow) => ({ reply: await services.connections.diagnoseFlow(caller, flow) }),
  }),
];
