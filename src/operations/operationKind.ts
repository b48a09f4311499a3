/**
 * What one kind of approved operation is, in one module: the approvals layer (request → decision → job → cards)
 * is generic and reads everything kind-specific from here. Each kind lives in its own folder
 * (src/operations/<kind>/definition.ts) and is listed once in registry.ts.
 *
 * A module never tells people anything: its job returns an OperationOutcome, and the approvals layer turns that
 * into exactly one update of every card copy, one message to the requester and, when the outcome asks for it, one
 * message to the admins.
 *
 * How the coming kinds fit (re-point connection references, hand over a leaver's flows, step-by-step progress):
 * - Preview: the request's `operation` payload is the frozen plan (e.g. which references move to which
 *   connection), built when drafting and hashed with the request, so approvers approve exactly what will run;
 *   `describe` shows it as card facts and `draft` returns its risk notes.
 * - Several steps: `run` is called again on every delivery of the job (at least once), so it resumes a saga kept
 *   in the module's own records (keyed by the approval id, as the rotation saga is), and reports its step list
 *   through `RunControls.steps` while it goes (or one line through `RunControls.progress`).
 * - Undo: a request of its own, started from the finished request's final card by the kind's `finalRequest` (one of
 *   its `requests` verbs, pressed with the approval id), drafted from what the saga recorded and approved like any
 *   request (src/operations/repoint/undoRequest.ts).
 */
import type { Caller } from '../access/caller';
import type { DomainContext } from '../context';
import type { OperationStep } from './operationSteps';

export type { OperationStep, OperationStepState } from './operationSteps';

/** The stored description of what was asked: `kind` picks the module, the other fields are the module's own. */
export interface OperationPayload {
  kind: string;
  [field: string]: unknown;
}

/** The part of an approval request a module reads (the approvals layer stores more). */
export interface ApprovalView<Op extends OperationPayload = OperationPayload> {
  id: string;
  tenantId: string;
  requesterId: string;
  requesterName: string;
  approverIds: string[];
  operation: Op;
  /** [Retry] presses so far (who, when). */
  retries?: readonly { by: string; byName: string; at: string }[];
}

export interface CardFact {
  title: string;
  value: string;
}

/** The request's own lines on every card of it (confirmation, approver's card, status, final card). */
export interface CardSections {
  /** e.g. "Share a connection". */
  title: string;
  /** Completes "You asked to …" / "… asks to …": e.g. `share the connection X (DEV) with Adele as "Can use"`. */
  summary: string;
  facts: CardFact[];
}

export interface ApproverList {
  approverIds: string[];
  requiredApprovals: number;
}

/** A request the caller may make, ready for their confirmation card. */
export interface Drafted<Op extends OperationPayload = OperationPayload> {
  operation: Op;
  /** What an approver should know before clicking [Approve], in plain words. */
  riskNotes: string[];
}

/** A request the caller may not make (audited as a refusal by the approvals layer), or cannot (plain answer). */
export interface NotDrafted {
  /** True when the caller is not allowed (audited); otherwise the request just cannot be made as asked. */
  refused?: boolean;
  /** The verb the audit names with a refusal, when it is not the button's own (e.g. a sentence's). */
  verb?: string;
  /** What the request was about, for the audit. */
  subject: string;
  /** Plain words for the caller: why, and what to do instead. */
  text: string;
}

export type DraftResult<Op extends OperationPayload = OperationPayload> = Drafted<Op> | NotDrafted;

export const isDrafted = <Op extends OperationPayload>(result: DraftResult<Op>): result is Drafted<Op> =>
  'operation' in result;

/** How a finished run ended. Never carries a secret. */
export interface OperationOutcome {
  state: 'done' | 'failed' | 'needsAttention';
  /** Plain words for the requester and the approvers' cards. */
  result: string;
  /** Also tell the admins (besides the requester and approvers): something someone must act on. */
  tellAdmins?: boolean;
  /** Run the job once more at this time (ISO), on the finished request (e.g. remove the old secret after the grace). */
  followUpAt?: string;
}

/**
 * What the approvals layer offers a running job. Both reports are recorded on the request at once (a run taken
 * over after a crash starts from them) and shown on every copy of the card (requester's and approvers'), updated
 * in place through the outbox and Teams' limits, at most a few times a minute per card (PROGRESS_CARD_SECONDS):
 * a report inside that interval is recorded and shown by the next one, or replaced by the final card. Reporting
 * never fails the run.
 */
export interface RunControls {
  /** One line after "running…" on every copy of the card ("Step 2 of 4: …"), without finishing it. */
  progress(text: string): Promise<void>;
  /**
   * The whole step list, each time a step starts, ends or keeps waiting: done ✓ / running / waiting (for what,
   * since when, how long it usually takes) / not started. Report it from the saga's record, so that a run taken
   * over after a crash goes on from the recorded step. A kind that used `progress(text)` adopts it with one line:
   * `await controls.steps([{ title: 'Move 3 references', state: 'running', detail: '1 of 3' }, …])`.
   */
  steps(steps: readonly OperationStep[]): Promise<void>;
  /**
   * True on the job's last delivery: a passing failure thrown now ends the request as failed. A kind that turns
   * things off on the way (flows) restores them and returns its outcome instead of throwing.
   */
  readonly lastDelivery?: boolean;
}

/** A second chance on a request that needs attention: [Retry] on the approvers' final card. */
export interface RetryDefinition<Op extends OperationPayload> {
  /** The button's title, e.g. "Retry the switch". */
  title: string;
  tooltip: string;
  /** How a press shows in the card's history: `${historyLine} by Alex Wilber at …`. */
  historyLine: string;
  /** Puts the operation back where its job continues; false when it no longer needs attention (another press won). */
  reopen(ctx: DomainContext, approval: ApprovalView<Op>, by: string): Promise<boolean>;
}

/**
 * A request button on the final card of a finished request (e.g. [Undo the re-point]): one of the kind's own
 * `requests` verbs, pressed with {approvalId}; its draft checks everything again (who, until when, what is left).
 */
export interface FinalRequest<Op extends OperationPayload> {
  /** One of the kind's `requests` verbs. */
  verb: string;
  title: string;
  tooltip: string;
  /** Whether a request that ended done or needing attention offers the button (e.g. not on an undo itself). */
  offeredFor(operation: Op): boolean;
}

/** A card button that starts a request of this kind (its data comes from the client: check everything). */
export interface RequestStart<Op extends OperationPayload> {
  draft(ctx: DomainContext, caller: Caller, data: Record<string, unknown>): Promise<DraftResult<Op>>;
}

/**
 * One kind of approved operation. Methods (not function-valued fields) so that a module for a narrower payload
 * registers as a module for any payload; the registry hands each module only requests of its own kind.
 */
export interface OperationKind<Op extends OperationPayload = OperationPayload> {
  readonly kind: Op['kind'];
  /**
   * The job type that runs an approved request. Stored with queued jobs, which survive restarts: never rename a
   * released one.
   */
  readonly job: string;
  /** Card buttons (verb → draft) that start a request of this kind; sentences reach the same drafts from src/app. */
  readonly requests?: Readonly<Record<string, RequestStart<Op>>>;
  readonly retry?: RetryDefinition<Op>;
  readonly finalRequest?: FinalRequest<Op>;

  /** What audit entries of the request are filed under (the app, the connection names…). */
  subject(operation: Op): string;
  /** Completes "your request to …": e.g. "rotate the secret of D365-App-Registration". */
  describeShort(operation: Op): string;
  describe(operation: Op): CardSections;
  /** Everyone who may decide, without the requester (the approvals layer removes the requester again). */
  approvers(ctx: DomainContext, requesterId: string, operation: Op): Promise<ApproverList>;
  /** Re-checked server-side on every approver's click: membership can change after the request was sent. */
  mayApprove(ctx: DomainContext, caller: Caller, approval: ApprovalView<Op>): Promise<boolean>;
  /**
   * Runs the approved request (again after a crash, a retry or a [Retry] press: it must be idempotent). Throw for a
   * transient failure (the job is delivered again, up to its limit); return `failed` for one that will not go away.
   */
  run(ctx: DomainContext, approval: ApprovalView<Op>, controls: RunControls): Promise<OperationOutcome>;
  /** The job again at `followUpAt` on the finished request; another `followUpAt` books one more. */
  followUp?(ctx: DomainContext, approval: ApprovalView<Op>): Promise<{ followUpAt?: string }>;
}
