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
  | { kind: 'question'; text: string };

export type IntentKind = Intent['kind'];
