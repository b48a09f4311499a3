/**
 * What the chat edge needs from the domain, as structural interfaces, so src/app depends on behaviour rather
 * than on how each domain folder is built. The composition root (src/compose.ts) supplies the real services.
 */
import type { TurnContext } from 'botbuilder';
import type { Caller } from '../access/caller';
import type { Notification, Reply } from '../cards/reply';
import type { DomainContext } from '../context';
import type { ScanWatcher } from '../notifications/scan/scanWatcher';
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

/** What a turn can show while it works, where the chat allows it (streaming: one-on-one chats only). */
export interface TurnStreams {
  /** Streams a "scan now" in this turn (see scanStream.ts). */
  scanWatcher?: ScanWatcher;
  /** Shows what the turn is doing while the person waits (an informative update; batched, latest wins). */
  inform?(line: string): void;
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
  /** A view again (a page of it, a retry, or fresh from the tenant), as its card's button describes it. */
  show(caller: Caller, request: ConnectionsView, options?: { fresh?: boolean }): Promise<Reply>;
}

/** Which view a card's [Next page], [Refresh] or [Retry] asks for, with that view's own parameters. */
export interface ConnectionsView {
  view?: string;
  page?: number;
  flowName?: string;
  environmentId?: string;
  flowId?: string;
  solutionName?: string;
  withinDays?: number;
}

/** What an approval card's [Approve], [Reject] and [Retry the switch] carry: the request and its content hash. */
export interface ApprovalClick {
  approvalId?: string;
  hash?: string;
}

/** "What depends on X?" (src/connections/impact). */
export interface ImpactFeature {
  impact(
    caller: Caller,
    query: { subject?: string; subjectType?: 'user' | 'app' | 'connection'; subjectId?: string },
    options?: { fresh?: boolean },
  ): Promise<Reply>;
}

export interface ApprovalsFeature {
  requestShare(
    caller: Caller,
    query: { connectionQuery: string; environmentQuery?: string; targetUserQuery: string },
  ): Promise<Reply>;
  requestRotation(caller: Caller, query: { appObjectId?: string; appQuery?: string }): Promise<Reply>;
  requestAccess(
    caller: Caller,
    input: { environmentId: string; connector: string; connectionName: string; flowId?: string },
  ): Promise<Reply>;
  audit(caller: Caller, query: { subject?: string }): Promise<Reply>;
  sendRequest(caller: Caller, draftId: string, justification?: string): Promise<ActionResult>;
  cancelRequest(caller: Caller, draftId: string): Promise<Reply>;
  decide(caller: Caller, decision: 'approve' | 'reject', click: ApprovalClick, comment?: string): Promise<ActionResult>;
  retry(caller: Caller, click: ApprovalClick): Promise<ActionResult>;
  /** Verbs of request buttons that an operation kind brings itself (src/operations/<kind>/definition.ts). */
  requestVerbs(): string[];
  startRequest(caller: Caller, verb: string, data: Record<string, unknown>): Promise<ActionResult>;
  askToTurnOn(caller: Caller, flow: { environmentId: string; flowId: string }): Promise<ActionResult>;
  confirmTurnedOn(
    caller: Caller,
    flow: { environmentId: string; flowId: string; requesterId?: string },
  ): Promise<ActionResult>;
}

export interface NotificationsFeature {
  subscribe(caller: Caller, options: { thresholds?: number[] }): Promise<Reply>;
  unsubscribe(caller: Caller): Promise<Reply>;
  scanNow(caller: Caller, watcher?: ScanWatcher): Promise<Reply>;
  digestPage(caller: Caller, digestId: string, page?: number): Promise<Reply>;
}

/** Background work started by a turn; the chat CLI waits for it before printing. */
export interface BackgroundWork {
  drain(): Promise<void>;
}

/** The optional LLM planner (Azure OpenAI); without it the local planner routes every message. */
export interface MessagePlanner {
  respond(
    services: BotServices,
    context: TurnContext,
    caller: Caller,
    text: string,
    streams?: TurnStreams,
  ): Promise<ActionResult>;
}

export interface BotServices {
  ctx: DomainContext;
  llmPlanner?: MessagePlanner;
  knowledge: KnowledgeService;
  connections: ConnectionsFeature;
  impact: ImpactFeature;
  approvals: ApprovalsFeature;
  notifications: NotificationsFeature;
  background: BackgroundWork;
  /** The tenant index's listing, when there is one: understanding takes its names from it (see TenantNames). */
  namesSnapshot?: () => NamesSnapshot | undefined;
}
