/**
 * The local planner (no LLM): src/understanding reads the message (intent, the tenant's names, confidence) and
 * this turns what it understood into an Intent for the dispatcher — a request, a question for the knowledge
 * answerer, or a clarifying card when it is not sure or the request's subject is missing (then a picker of the
 * caller's own candidates).
 */
import {
  choiceFor,
  understand,
  type ConversationSubject,
  type Entities,
  type NameIndex,
  type TenantName,
  type Understanding,
} from '../../understanding';
import type { Intent } from './intents';

export interface PlanContext {
  /** The tenant's names (omitted: names are taken as typed, by their cue words). */
  names?: NameIndex;
  /** Whether the caller may see a name. */
  visible?: (name: TenantName) => boolean;
  now?: Date;
  /** What the conversation was last about (turn state). */
  last?: ConversationSubject;
  /** The caller's object id ("my SharePoint connection"). */
  me?: string;
}

/** What the chat CLI reports: the intent's name, the tenant's display names it is about, and the confidence. */
export interface Understood {
  intent: string;
  entities: Entities;
  confidence: number;
}

export interface Plan {
  intent: Intent;
  understood: Understood;
  understanding: Understanding;
}

const MAX_PICKS = 8;

export async function planMessage(text: string, context: PlanContext = {}): Promise<Plan> {
  const understanding = await understand(text, context);
  const understood = {
    intent: understanding.intent,
    entities: understanding.entities,
    confidence: Math.round(understanding.confidence * 100) / 100,
  };
  return { intent: toIntent(understanding, context), understood, understanding };
}

export async function planLocally(text: string, context: PlanContext = {}): Promise<Intent> {
  return (await planMessage(text, context)).intent;
}

function toIntent(u: Understanding, context: PlanContext): Intent {
  const e = u.entities;
  // Without the tenant's names (the LLM planner's fallback) the request goes on and its service asks which.
  if (u.missing && context.names) return picker(u, context);
  // A connection described that fits several (or none the caller may see): which one, never a guess.
  if (u.choose) return { kind: 'clarify', ...u.choose };
  switch (u.intent) {
    case 'help':
      return { kind: 'help' };
    case 'greeting':
      return { kind: 'greeting' };
    case 'question':
      return { kind: 'question', text: u.text };
    case 'showMyConnections':
      return { kind: 'showMyConnections' };
    case 'diagnoseFlow':
      return { kind: 'diagnoseFlow', flowName: e.flow };
    case 'solutionReferences':
      return { kind: 'solutionReferences', solutionName: e.solution ?? '' };
    case 'expiringSecrets':
      return { kind: 'expiringSecrets', withinDays: typeof e.days === 'number' ? e.days : undefined };
    case 'healthReport':
      return { kind: 'healthReport' };
    case 'requestRotation':
      return { kind: 'requestRotation', appQuery: e.app ?? '' };
    case 'requestShare':
      return {
        kind: 'requestShare',
        connectionQuery: e.connection ?? '',
        environmentQuery: e.environment,
        targetUserQuery: e.user ?? '',
      };
    case 'audit':
      return { kind: 'audit', subject: e.app ?? e.flow ?? e.solution ?? e.user ?? e.connection };
    case 'subscribe':
      return { kind: 'subscribe', thresholds: Array.isArray(e.days) ? e.days : undefined };
    case 'unsubscribe':
      return { kind: 'unsubscribe' };
    case 'scanNow':
      return { kind: 'scanNow' };
    case 'impact':
      return impactIntent(e, context, u.text);
    case 'handover':
      return { kind: 'handover', from: e.user, to: e.to };
    case 'repointReferences':
      return { kind: 'repointReferences', solutionName: e.solution, targetConnection: e.connectionId };
    case 'clarify':
      return {
        kind: 'clarify',
        title: 'Did you mean:',
        intro: '',
        choices: u.choices ?? [],
      };
  }
}

/** "What depends on X": X with its kind and, when the name index knows it, its object id (one read, no search). */
function impactIntent(e: Entities, context: PlanContext, text: string): Intent {
  // One connection named ("Lee's SharePoint connection"): that connection, not everything of its owner.
  if (e.connectionId)
    return { kind: 'impact', subject: e.connection, subjectType: 'connection', subjectId: e.connectionId };
  const [subjectType, subject] = e.user
    ? (['user', e.user] as const)
    : e.app
      ? (['app', e.app] as const)
      : e.connection
        ? (['connection', e.connection] as const)
        : [undefined, e.flow ?? e.solution ?? namedAfterCue(text)];
  const known = subjectType
    ? context.names?.names.find((n) => n.type === subjectType && n.name === subject && n.id)
    : undefined;
  return { kind: 'impact', subject, subjectType, subjectId: known?.id };
}

/**
 * The subject as typed after its cue words ("depends on Lee Gu", "breaks if X's secret expires", "stops if Megan
 * leaves"), for when the tenant's names are not loaded yet (a big tenant's first minutes): the service looks it up.
 */
function namedAfterCue(text: string): string | undefined {
  const match =
    /\b(?:depends? on|relies on|uses|breaks? if|stops? if|impact of)\s+(.+?)(?:'s\b.*|\s+(?:leaves|left|expires?|is disabled|goes)\b.*)?[?.!\s]*$/i.exec(
      text,
    );
  const subject = match?.[1]?.trim();
  return subject && subject.length <= 100 ? subject : undefined;
}

/** A request without its subject: the caller's own candidates to pick from (or, with none, how to say it). */
function picker(u: Understanding, context: PlanContext): Intent {
  const intent = u.intent === 'clarify' ? 'question' : u.intent;
  const type = u.missing;
  const visible = context.visible ?? (() => true);
  const all = (context.names?.names ?? []).filter((n) => n.type === type && visible(n));
  // Flows that are off come first: they are the ones people ask about.
  const ranked = type === 'flow' ? [...all].sort((a, b) => offFirst(a) - offFirst(b)) : all;
  const seen = new Set<string>();
  const choices = ranked
    .filter((n) => !seen.has(n.name.toLowerCase()) && seen.add(n.name.toLowerCase()))
    .slice(0, MAX_PICKS)
    .map((n) => {
      const choice = choiceFor(intent, { ...u.entities, [type ?? 'flow']: n.name }, u.text);
      return n.environmentName ? { ...choice, title: `${choice.title} (${n.environmentName})` } : choice;
    });
  const what = WHAT[type ?? 'flow'];
  if (!choices.length) {
    return { kind: 'clarify', title: `Which ${what}?`, intro: EXAMPLE[type ?? 'flow'], choices: [] };
  }
  return { kind: 'clarify', title: `Which ${what}?`, intro: 'Pick one, or tell me its name.', choices };
}

const offFirst = (n: TenantName): number => (n.state && n.state !== 'Started' ? 0 : 1);

const WHAT: Record<string, string> = {
  flow: 'flow',
  solution: 'solution',
  app: 'app registration',
  user: 'person',
  connection: 'connection',
  environment: 'environment',
};

const EXAMPLE: Record<string, string> = {
  flow: 'Tell me its name, for example "why can\'t I turn on Weekly report".',
  solution: 'Tell me its name, for example "connection references in Lunch order".',
  app: 'Tell me its name, for example "rotate the secret of D365-App-Registration".',
  user: 'Tell me who, for example "share my SQL connection with Adele Vance".',
  connection: 'Tell me which, for example "share my SQL connection with Adele Vance".',
  environment: 'Tell me which environment, for example "in Contoso PROD".',
};
