/**
 * What a message asks for, as plain data. The local planner produces these from text; the LLM planner (when
 * configured) produces the same through its actions, so both feed one dispatcher.
 */
export type Intent =
  | { kind: 'help' }
  | { kind: 'greeting' }
  | { kind: 'showMyConnections' }
  | { kind: 'diagnoseFlow'; flowName?: string }
  | { kind: 'solutionReferences'; solutionName: string }
  | { kind: 'expiringSecrets'; withinDays?: number }
  | { kind: 'healthReport' }
  | { kind: 'requestRotation'; appQuery: string }
  | { kind: 'requestShare'; connectionQuery: string; environmentQuery?: string; targetUserQuery: string }
  | { kind: 'audit'; subject?: string }
  | { kind: 'subscribe'; thresholds?: number[] }
  | { kind: 'unsubscribe' }
  | { kind: 'scanNow' }
  | { kind: 'question'; text: string }
  /**
   * What depends on a person, an app registration or a connection: the tenant's name, what kind of thing it is and,
   * when the planner's name index knew it, its object id (a connection's: its name in the API hub).
   */
  | { kind: 'impact'; subject?: string; subjectType?: 'user' | 'app' | 'connection'; subjectId?: string }
  /** Understood, answered "coming soon": move a leaver's flows and connections to someone else. */
  | { kind: 'handover'; from?: string; to?: string }
  /** Bind a solution's connection references to other connections: drafts a re-point request (src/operations/repoint/). */
  | {
      kind: 'repointReferences';
      solutionName?: string;
      /** The connection the sentence names as the new one (its id), when it names one. */
      targetConnection?: string;
    }
  /**
   * Not sure, or a request without its subject: one short card whose buttons send the candidate requests
   * (so a click runs through the same planner as typed text).
   */
  | { kind: 'clarify'; title: string; intro: string; choices: { title: string; text: string }[] };

export type IntentKind = Intent['kind'];
