/**
 * Shapes a KnowledgeAnswer into the data of cards/answer.json (confident) or cards/notSure.json (not sure).
 * The tenant actions are buttons that send the bot the same words a maker would type, so the local planner
 * routes them like typed messages.
 */
import type { KnowledgeAnswer } from './answerer';
import type { SuggestedAction } from './knowledgeBase';

interface Button {
  title: string;
  value: string;
}

const ACTION_BUTTONS: Record<SuggestedAction, Button> = {
  showMyConnections: { title: 'Check my connections', value: 'show my connections' },
  diagnoseFlow: { title: "Why won't my flow turn on?", value: "why can't I turn on my flow" },
  expiringSecrets: { title: 'Which secrets expire soon?', value: 'which secrets expire soon' },
  healthReport: { title: 'Run a health report', value: 'health report' },
};

/** What the bot can help with, offered when it is not sure. Deliberately general: no article trivia. */
const HELP_TOPICS: Button[] = [
  { title: 'Connection references', value: 'What is a connection reference?' },
  { title: 'Service principal connections', value: 'How do I set up a service principal connection for Dataverse?' },
  { title: 'Sharing a connection', value: 'How do I share a connection so someone else can turn on my flow?' },
  { title: 'Dataverse connections', value: 'What kinds of connections does the Dataverse connector support?' },
  { title: 'Licensing of flows', value: "Whose license does a flow use, the owner's or the connection's?" },
];

const TENANT_BUTTONS: Button[] = [
  ACTION_BUTTONS.showMyConnections,
  ACTION_BUTTONS.diagnoseFlow,
  ACTION_BUTTONS.expiringSecrets,
  ACTION_BUTTONS.healthReport,
];

/** Blank lines separate TextBlocks; a list stays in one block so Teams renders it as a list. */
function paragraphs(passage: string): string[] {
  return passage
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

export function answerCardData(a: KnowledgeAnswer): object {
  if ((!a.confident || !a.passage) && a.nearest.length > 0) {
    return {
      title: "I'm not sure about that one",
      intro:
        "My articles don't cover that point, so I won't guess. These are the nearest topics they do cover:",
      topics: a.nearest.map((n) => ({ title: n.title, value: n.question })),
      actions: TENANT_BUTTONS,
    };
  }
  if (!a.confident || !a.passage) {
    return {
      title: "I'm not sure about that one",
      intro:
        'I only help with Power Platform connections: Dataverse connections, service principals, connection ' +
        'references, sharing, licensing of flows, and checks on your own tenant. I can help with these:',
      topics: HELP_TOPICS,
      actions: TENANT_BUTTONS,
    };
  }
  return {
    title: a.title ?? 'Answer',
    heading: a.heading ?? '',
    paragraphs: paragraphs(a.passage),
    sources: a.sources,
    hasSources: a.sources.length > 0,
    related: a.related.map((q) => ({ title: q, value: q })),
    hasRelated: a.related.length > 0,
    actions: a.suggestedActions.map((s) => ACTION_BUTTONS[s]),
    hasActions: a.suggestedActions.length > 0,
  };
}
