/**
 * Buttons of requests and approvals: asking (from a diagnosis or a finding), sending or cancelling the draft on the
 * confirmation card, deciding on the approval card, retrying a rotation that needs attention, and the "ask the
 * owner to turn it on" pair. Data holds ids and the request hash only; the approvals service loads everything by
 * id and re-checks the clicker (who they are, which tenant, whether the request changed).
 */
import { cardVerb } from './cardVerb';
import { id, requiredId, text } from './cardFields';

/** What an approval card's buttons carry (approvalRequest.json, approvalFinal.json). */
const approval = { approvalId: id(), hash: id() };
/** What the approver may type on the approval card. */
const decision = { comment: text(2000) };

export const approvalVerbs = [
  cardVerb({
    verb: 'access.request',
    data: { environmentId: requiredId(), connector: requiredId(), connectionName: requiredId(), flowId: id() },
    missing: 'This button is missing the connection it is about. Ask me to diagnose the flow again.',
    handle: async (services, caller, ids) => ({ reply: await services.approvals.requestAccess(caller, ids) }),
  }),
  cardVerb({
    verb: 'rotation.request',
    data: { appObjectId: id() },
    handle: async (services, caller, app) => ({ reply: await services.approvals.requestRotation(caller, app) }),
  }),
  cardVerb({
    verb: 'request.send',
    data: { draftId: id() },
    inputs: { justification: text(2000) },
    handle: (services, caller, click) =>
      services.approvals.sendRequest(caller, click.draftId ?? '', click.justification),
  }),
  cardVerb({
    verb: 'request.cancel',
    data: { draftId: id() },
    handle: async (services, caller, click) => ({
      reply: await services.approvals.cancelRequest(caller, click.draftId ?? ''),
    }),
  }),
  cardVerb({
    verb: 'approval.approve',
    data: approval,
    inputs: decision,
    handle: (services, caller, { comment, ...click }) => services.approvals.decide(caller, 'approve', click, comment),
  }),
  cardVerb({
    verb: 'approval.reject',
    data: approval,
    inputs: decision,
    handle: (services, caller, { comment, ...click }) => services.approvals.decide(caller, 'reject', click, comment),
  }),
  cardVerb({
    verb: 'approval.retry',
    data: approval,
    handle: (services, caller, click) => services.approvals.retry(caller, click),
  }),
  cardVerb({
    verb: 'flow.askToTurnOn',
    data: { environmentId: requiredId(), flowId: requiredId() },
    missing: 'This button is missing the flow it is about.',
    handle: (services, caller, flow) => services.approvals.askToTurnOn(caller, flow),
  }),
  cardVerb({
    verb: 'flow.turnedOn',
    data: { environmentId: requiredId(), flowId: requiredId(), requesterId: id() },
    missing: 'This button is missing the flow it is about.',
    handle: (services, caller, flow) => services.approvals.confirmTurnedOn(caller, flow),
  }),
];
