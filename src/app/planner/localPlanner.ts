/**
 * The local planner (no LLM): anchored patterns turn a message into an Intent; anything else is a question for
 * the knowledge answerer. Patterns are anchored on purpose: teams-ai's app.message('help') would match any text
 * containing "help", and "How do I share a connection…?" is a question, not a share request.
 */
import type { Intent } from './intents';

const clean = (text: string): string =>
  text
    .replace(/<at>[^<]*<\/at>/gi, ' ') // @mentions in channels
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

const stripPunctuation = (text: string): string =>
  text
    .replace(/[\s.!?]+$/g, '')
    .replace(/,?\s+please$/i, '')
    .trim();

/** "the weekly report flow" → "weekly report"; "my flow" → undefined (the user has to pick). */
function flowNameFrom(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let name = stripPunctuation(raw)
    .replace(/^["'“”]+|["'“”]+$/g, '')
    .replace(/^(the|my|our|this|a)\s+/i, '')
    .replace(/\s+(flow|cloud flow|power automate flow)$/i, '')
    .replace(/^(flow|cloud flow)\s+/i, '')
    .replace(/^["'“”]+|["'“”]+$/g, '')
    .trim();
  if (/^(flows?|it|this|that)?$/i.test(name)) name = '';
  return name || undefined;
}

/**
 * Whether what a command pattern captured as a name (a solution, a flow, a person) reads like a name, not like the
 * rest of a sentence. "The connection reference for my custom connector is not recognized in my canvas app. How
 * do I fix it?" fits the shape of "connection references in <solution>", but its "solution" holds a second
 * sentence, a verb and a negation: it is a question for the knowledge answerer, not a command.
 */
const CLAUSE_WORDS =
  /[.?!;:]|\b(?:is|are|was|were|be|isn't|aren't|doesn't|don't|didn't|won't|not|can|can't|cannot|could|should|would|will|do|does|did|how|why|what|when|where|which|possible|recogni[sz]ed|working|broken|fails?|failing)\b/i;
const nameLike = (name: string): boolean => !CLAUSE_WORDS.test(name) && name.split(/\s+/).length <= 8;

/** "running flows under my own account": a gerund opening several words, or flows / connections in general. */
const aboutPractice = (name: string): boolean =>
  (/^\w+ing\b/i.test(name) && name.trim().split(/\s+/).length >= 3) || /\b(?:flows|my own)\b/i.test(name);

/** "share my connection with other users" asks about sharing in general: there is nobody to share with. */
const GENERIC_PEOPLE =
  /^(?:an?\s+|another\s+|other\s+|the\s+|my\s+|some\s+|any\s+)?(?:other\s+|regular\s+|normal\s+|external\s+|guest\s+)?(?:users?|persons?|people|someone|somebody|anyone|anybody|everyone|colleagues?|co-?workers?|team\s*mates?|guests?|makers?)$/i;

const NEGATION = "(?:can't|cant|cannot|can not|won't|wont|doesn't|doesnt|does not|isn't|isnt|is not|couldn't|will not)";

/** A rule's intent, or null when the match turns out not to be that command (the message is then a question). */
const rules: { pattern: RegExp; intent: (m: RegExpMatchArray) => Intent | null }[] = [
  {
    pattern: /^(help|\?|commands|menu|what can you do|what do you do|how do i use you)$/i,
    intent: () => ({ kind: 'help' }),
  },
  { pattern: /^(hi|hello|hey|good (morning|afternoon|evening)|start)$/i, intent: () => ({ kind: 'greeting' }) },
  {
    pattern:
      /^(?:please\s+)?(?:(?:show|list|check|display|get|see|view)(?: me)?(?: all)? (?:my|all my)(?: own)? connections?(?: status(?:es)?)?(?: in \w+)?|my connections?|(?:status of|check) my connections?|connection status|check connections)$/i,
    intent: () => ({ kind: 'showMyConnections' }),
  },
  {
    pattern: new RegExp(
      `^(?:why|how come)\\s+${NEGATION}\\s+(?:i|we|adele|you)?\\s*(?:turn on|switch on|enable|start|activate|run|save)\\s+(.+?)(?:\\s+on)?$`,
      'i',
    ),
    intent: (m) => ({ kind: 'diagnoseFlow', flowName: flowNameFrom(m[1]) }),
  },
  {
    pattern: new RegExp(
      `^(?:why|how come)\\s+(?:does|is|did)\\s+(.+?)\\s+(?:fail|failing|broken|not working|not running|off|${NEGATION}.*)$`,
      'i',
    ),
    intent: (m) => ({ kind: 'diagnoseFlow', flowName: flowNameFrom(m[1]) }),
  },
  {
    pattern:
      /^(?:why|how come)\s+(.+?)\s+(?:fails|is failing|is broken|is off|won't turn on|will not turn on|doesn't (?:turn on|run|work))$/i,
    intent: (m) => ({ kind: 'diagnoseFlow', flowName: flowNameFrom(m[1]) }),
  },
  {
    pattern:
      /^(?:diagnose|troubleshoot|check|what'?s wrong with|what is wrong with)\s+(?:the\s+|my\s+)?(?:flow\s+)?(.+?)(?:\s+flow)?$/i,
    // "check that my flow really runs as the service principal" is a question, not a flow called "that my flow…";
    // so is "what's wrong with running company flows under my own login" (a practice, said with a gerund, that
    // talks about flows in general).
    intent: (m) =>
      nameLike(m[1]) && !/^(?:that|if|whether|how|why)\b/i.test(m[1]) && !aboutPractice(m[1])
        ? { kind: 'diagnoseFlow', flowName: flowNameFrom(m[1]) }
        : null,
  },
  {
    pattern:
      /^(?:(?:show|list|check|display)(?: me)?\s+)?(?:the\s+)?connection references?\s+(?:in|of|for|used by)\s+(?:the\s+)?(.+?)(?:\s+solution)?$/i,
    intent: (m) => {
      const solutionName = stripPunctuation(m[1]).replace(/^["']|["']$/g, '');
      return nameLike(solutionName) ? { kind: 'solutionReferences', solutionName } : null;
    },
  },
  {
    pattern:
      /^(?:(?:which|what|list|show|check)(?: me)?(?: the)?(?: app)?\s+(?:client\s+)?(?:secrets?|certificates?|certs?|credentials?)(?:\s+(?:and|or)\s+(?:certificates?|secrets?|certs?))?\s+(?:will\s+|are\s+|is\s+)?(?:about to\s+|going to\s+)?(?:expir\w*|run(?:ning)? out).*|(?:expiring|expired) (?:secrets?|certificates?|credentials?).*)$/i,
    intent: (m) => {
      const days = /(?:next|within|in)\s+(\d+)\s+days?/i.exec(m[0]);
      const weeks = /(?:next|within|in)\s+(\d+)\s+weeks?/i.exec(m[0]);
      const withinDays = days ? Number(days[1]) : weeks ? Number(weeks[1]) * 7 : undefined;
      return { kind: 'expiringSecrets', withinDays };
    },
  },
  {
    pattern:
      /^(?:show(?: me)?\s+|run\s+|open\s+)?(?:the\s+|a\s+)?(?:tenant\s+)?(?:health|governance)(?:\s+(?:report|check|findings))?$/i,
    intent: () => ({ kind: 'healthReport' }),
  },
  {
    pattern:
      /^(?:please\s+)?(?:rotate|renew|roll)\s+(?:the\s+)?(?:client\s+)?(?:secrets?|credentials?)\s+(?:of|for|on)\s+(?:the\s+)?(?:app\s+)?(.+?)$/i,
    intent: (m) => ({ kind: 'requestRotation', appQuery: stripPunctuation(m[1]).replace(/^["']|["']$/g, '') }),
  },
  {
    pattern: /^(?:please\s+)?rotate\s+(?:the\s+)?(?!secret)(.+?)(?:'s)?(?:\s+(?:client\s+)?secret)?$/i,
    intent: (m) => ({ kind: 'requestRotation', appQuery: stripPunctuation(m[1]).replace(/^["']|["']$/g, '') }),
  },
  {
    pattern:
      /^(?:please\s+)?share\s+(?:my\s+|the\s+)?(.+?)\s+connections?(?:\s+in\s+(?:the\s+)?(\S+?)(?:\s+environment)?)?\s+with\s+(.+?)$/i,
    intent: (m) => {
      const targetUserQuery = stripPunctuation(m[3]);
      if (!nameLike(m[1]) || !nameLike(targetUserQuery) || GENERIC_PEOPLE.test(targetUserQuery)) return null;
      return { kind: 'requestShare', connectionQuery: m[1].trim(), environmentQuery: m[2]?.trim(), targetUserQuery };
    },
  },
  {
    pattern: /^(?:show\s+(?:me\s+)?(?:the\s+)?)?audit(?:\s+(?:log|trail|history))?(?:\s+(?:for|of|on)\s+(.+?))?$/i,
    intent: (m) => ({ kind: 'audit', subject: m[1] ? stripPunctuation(m[1]) : undefined }),
  },
  { pattern: /^unsubscribe\b.*$/i, intent: () => ({ kind: 'unsubscribe' }) },
  {
    pattern: /^(?:subscribe|notify me|remind me)\b.*$/i,
    intent: (m) => {
      const numbers = [...m[0].matchAll(/\d+/g)].map((n) => Number(n[0])).filter((n) => n > 0 && n <= 365);
      return {
        kind: 'subscribe',
        thresholds: numbers.length ? [...new Set(numbers)].sort((a, b) => b - a) : undefined,
      };
    },
  },
  {
    pattern: /^(?:scan(?: now)?|run (?:a |the )?scan(?: now)?|start (?:a )?scan)$/i,
    intent: () => ({ kind: 'scanNow' }),
  },
];

export function planLocally(text: string): Intent {
  const message = clean(text);
  const bare = stripPunctuation(message);
  for (const rule of rules) {
    const match = rule.pattern.exec(bare);
    const intent = match && rule.intent(match);
    if (intent) return intent;
  }
  return { kind: 'question', text: message };
}
