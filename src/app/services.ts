/**
 * What the chat edge needs from the domain, as structural interfaces, so src/app depends on behaviour rather
 * than on how each domain folder is built. The composition root (src/compose.ts) supplies the real services.
 */
import type { TurnContext } from 'botbuilder';
import type { Caller } from '../access/caller';
import type { Notification, Reply } from '../cards/reply';
import type { DomainContext } from '../context';
import type { NamesSnapshot } from '../understanding';

export interface ActionResult {
  reply: Reply;
  notifications?: Notification[];
  /**
   * When set, the card the caller clicked on (now replaced by `reply`) is remembered under this key, so later
   * notifications with the same cardKey update it in place (e.g. the requester's copy of an approval card).
   */
  replyCardKey?: string;
  /** Called with the id the channel gave the reply once it is sent (e.g. to match later feedback to it). */
  afterSend?: (messageId: string | undefined) => Promise<void>;
}

export interface KnowledgeService {
  /** Answer a maker's question from the knowledge base; a "not sure" card when confidence is low. */
  ask(caller: Caller, question: string): Promise<Reply>;
}

export interface ConnectionsFeature {
  myConnections(caller: Caller, options?: { page?: number }): Promise<Reply>;
  diagnoseFlow(caller: Caller, query: { flowName?: string; environmentId?: string; flowId?: string }): Promise<Reply>;
  solutionReferences(caller: Caller, solutionName: string): Promise<Reply>;
  expiringCredentials(caller: Caller, options?: { withinDays?: number }): Promise<Reply>;
  healthReport(caller: Caller): Promise<Reply>;
  handleAction(caller: Caller, verb: string, data: Record<string, unknown>): Promise<Reply | undefined>;
}

export interface ApprovalsFeature {
  requestShare(
    caller: Caller,
    query: { connectionQuery: string; environmentQuery?: string; targetUserQuery: string },
  ): Promise<Reply>;
  requestRotation(caller: Caller, query: { appObjectId?: string; appQuery?: string }): Promise<Reply>;
  audit(caller: Caller, query: { subject?: string }): Promise<Reply>;
  handleAction(
    caller: Caller,
    verb: string,
    data: Record<string, unknown>,
    inputs: Record<string, unknown>,
  ): Promise<ActionResult | undefined>;
}

export interface NotificationsFeature {
  subscribe(caller: Caller, options: { thresholds?: number[] }): Promise<Reply>;
  unsubscribe(caller: Caller): Promise<Reply>;
  scanNow(caller: Caller): Promise<Reply>;
  handleAction?(caller: Caller, verb: string, data: Record<string, unknown>): Promise<ActionResult | undefined>;
}

/** Background work started by a turn; the chat CLI waits for it before printing. */
export interface BackgroundWork {
  drain(): Promise<void>;
}

/** The optional LLM planner (Azure OpenAI); without it the local planner routes every message. */
export interface MessagePlanner {
  respond(services: BotServices, context: TurnContext, caller: Caller, text: string): Promise<ActionResult>;
}

export interface BotServices {
  ctx: DomainContext;
  llmPlanner?: MessagePlanner;
  knowledge: KnowledgeService;
  connections?: ConnectionsFeature;
  approvals?: ApprovalsFeature;
  notifications?: NotificationsFeature;
  background: BackgroundWork;
  /** The tenant index's listing, when there is one: understanding takes its names from it (see TenantNames). */
  namesSnapshot?: () => NamesSnapshot | undefined;
}
