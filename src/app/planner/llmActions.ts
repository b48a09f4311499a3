/**
 * The LLM planner's actions: one per Intent the local planner produces, with the zod schema that validates
 * what the model sends. The model's arguments are untrusted input (a prompt-injected question can ask for any
 * call), so every string is trimmed and bounded, numbers are ranged, and anything that does not parse is a
 * refusal that sends the turn back to the local planner. prompts/plan/actions.json describes the same actions to
 * the model; a test keeps the two in step.
 */
import { z } from 'zod';
import type { Intent } from './intents';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .nullable()
    .transform((v) => (v ? v : undefined));

const empty = z.object({});

/** Action name → schema of its parameters → the Intent it stands for. */
export const llmActions = {
  showMyConnections: { schema: empty, intent: (): Intent => ({ kind: 'showMyConnections' }) },
  diagnoseFlow: {
    schema: z.object({ flowName: optionalText(200) }),
    intent: (p: { flowName?: string }): Intent => ({ kind: 'diagnoseFlow', flowName: p.flowName }),
  },
  solutionReferences: {
    schema: z.object({ solutionName: text(200) }),
    intent: (p: { solutionName: string }): Intent => ({ kind: 'solutionReferences', solutionName: p.solutionName }),
  },
  expiringSecrets: {
    schema: z.object({ withinDays: z.number().int().min(1).max(365).optional().nullable() }),
    intent: (p: { withinDays?: number | null }): Intent => ({
      kind: 'expiringSecrets',
      withinDays: p.withinDays ?? undefined,
    }),
  },
  healthReport: { schema: empty, intent: (): Intent => ({ kind: 'healthReport' }) },
  requestRotation: {
    schema: z.object({ appQuery: text(200) }),
    intent: (p: { appQuery: string }): Intent => ({ kind: 'requestRotation', appQuery: p.appQuery }),
  },
  requestShare: {
    schema: z.object({
      connectionQuery: text(200),
      environmentQuery: optionalText(200),
      targetUserQuery: text(200),
    }),
    intent: (p: { connectionQuery: string; environmentQuery?: string; targetUserQuery: string }): Intent => ({
      kind: 'requestShare',
      connectionQuery: p.connectionQuery,
      environmentQuery: p.environmentQuery,
      targetUserQuery: p.targetUserQuery,
    }),
  },
  audit: {
    schema: z.object({ subject: optionalText(200) }),
    intent: (p: { subject?: string }): Intent => ({ kind: 'audit', subject: p.subject }),
  },
  subscribe: {
    schema: z.object({ thresholds: z.array(z.number().int().min(0).max(365)).min(1).max(10).optional().nullable() }),
    intent: (p: { thresholds?: number[] | null }): Intent => ({
      kind: 'subscribe',
      thresholds: p.thresholds ? [...new Set(p.thresholds)].sort((a, b) => b - a) : undefined,
    }),
  },
  unsubscribe: { schema: empty, intent: (): Intent => ({ kind: 'unsubscribe' }) },
  scanNow: { schema: empty, intent: (): Intent => ({ kind: 'scanNow' }) },
  answerQuestion: {
    schema: z.object({ text: text(1000) }),
    intent: (p: { text: string }): Intent => ({ kind: 'question', text: p.text }),
  },
} as const;

export type LlmActionName = keyof typeof llmActions;

export const llmActionNames = Object.keys(llmActions) as LlmActionName[];

export type ActionParse =
  { ok: true; intent: Intent; parameters: Record<string, unknown> } | { ok: false; problem: string };

/** Validates one action call from the model and turns it into an Intent, or says what was wrong with it. */
export function intentFromAction(name: string, parameters: unknown): ActionParse {
  if (!Object.prototype.hasOwnProperty.call(llmActions, name)) {
    return { ok: false, problem: `unknown action "${name.slice(0, 80)}"` };
  }
  const action = llmActions[name as LlmActionName];
  const parsed = action.schema.safeParse(parameters ?? {});
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(parameters)'}: ${i.message}`);
    return { ok: false, problem: `invalid parameters for ${name}: ${fields.join('; ')}` };
  }
  // Each entry's schema and mapper belong together; TypeScript cannot correlate them through the union.
  const toIntent = action.intent as (p: unknown) => Intent;
  return { ok: true, intent: toIntent(parsed.data), parameters: parsed.data as Record<string, unknown> };
}
