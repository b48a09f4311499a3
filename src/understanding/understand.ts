/**
 * Text → what the person wants: an intent, the tenant things it is about, and how sure we are. The steps:
 * find the tenant's names in the text (NameIndex), replace them by their kind and classify the sentence shape
 * (IntentClassifier), let the names settle what the shape leaves open ("Nightly export failed" is a diagnosis
 * though it has no command word), tell a how-to question from a request, fill a missing subject from the last
 * one of the conversation ("and Nightly export?", "rotate the first one"), and ask instead of guessing when two
 * readings are close or a request's subject is missing.
 */
import { daysWindow, reminderDays } from './durations';
import { sharedClassifier, PLACEHOLDER, type ClassifiedIntent, type Classification } from './intentClassifier';
import type { EntityType, NameIndex, NameMatch, TenantName } from './nameIndex';
import {
  connectionPhrases,
  isTarget,
  portalLinksAsNames,
  settleConnection,
  type ConnectionChoice,
} from './connectionSubject';
import { withoutRefusedActions } from './negation';
import { plainAsk } from './plainAsks';
import { theAsk } from './theAsk';
import { correctWord } from './spelling';
import { canonicalWords } from './synonyms';
import { cleanMessage, words, type Word } from './text';

export type UnderstoodIntent = ClassifiedIntent | 'clarify';

export interface Entities {
  flow?: string;
  solution?: string;
  app?: string;
  user?: string;
  /** The person something goes to (a handover's new owner). */
  to?: string;
  connection?: string;
  /** The one connection named (its id), when the sentence names one: "Lee's SharePoint connection". */
  connectionId?: string;
  environment?: string;
  days?: number | number[];
}

/** A button of a clarifying card: its title and the request it sends. */
export interface Choice {
  title: string;
  text: string;
}

export interface Understanding {
  intent: UnderstoodIntent;
  entities: Entities;
  /** 0..1 */
  confidence: number;
  /** For `clarify`: the readings to offer. */
  choices?: Choice[];
  /** A request whose subject is missing ("my flow won't turn on"): the kind of thing to offer a picker of. */
  missing?: EntityType;
  /** The text as cleaned (mentions removed), for a question. */
  text: string;
  /**
   * A request about one connection whose description fits several, or none the caller may see: which to pick
   * (or what to say) instead of guessing; the intent stays the request's.
   */
  choose?: ConnectionChoice;
}

/** What the conversation was last about, kept in turn state between messages. */
export interface ConversationSubject {
  intent: string;
  entities: Entities;
  /** What the last answer listed, in order ("rotate the first one"). */
  shown?: { type: EntityType; name: string }[];
  /** ISO time; a subject older than SUBJECT_TTL_MS is forgotten. */
  at: string;
}

export interface UnderstandOptions {
  names?: NameIndex;
  /** Whether the caller may see a name (a connection to choose from is one of theirs, unless they are an admin). */
  visible?: (name: TenantName) => boolean;
  /** The caller's object id ("my SharePoint connection"). */
  me?: string;
  now?: Date;
  last?: ConversationSubject;
}

export const SUBJECT_TTL_MS = 30 * 60_000;

/** Which kinds of thing each intent is about, most important first. */
const WANTS: Partial<Record<ClassifiedIntent, EntityType[]>> = {
  diagnoseFlow: ['flow', 'user'],
  solutionReferences: ['solution', 'connection'],
  repointReferences: ['solution', 'connection', 'user'],
  requestRotation: ['app'],
  requestShare: ['user', 'app', 'connection', 'environment'],
  expiringSecrets: ['app'],
  impact: ['user', 'app', 'connection', 'flow', 'solution'],
  handover: ['user'],
  audit: ['app', 'user', 'connection', 'flow', 'solution'],
  showMyConnections: ['environment'],
};

/** The subject a request cannot do without. */
/** Subjects worth taking as typed when the index does not know them (a name added since it was read). */
const TYPED_SUBJECT: Partial<Record<ClassifiedIntent, EntityType>> = { repointReferences: 'solution' };

const NEEDS: Partial<Record<ClassifiedIntent, EntityType>> = {
  diagnoseFlow: 'flow',
  solutionReferences: 'solution',
  requestRotation: 'app',
  requestShare: 'user',
};

const CONTEXT_WORDS: Record<string, EntityType> = {
  flow: 'flow',
  flows: 'flow',
  solution: 'solution',
  solutions: 'solution',
  reference: 'solution',
  references: 'solution',
  ref: 'solution',
  refs: 'solution',
  secret: 'app',
  secrets: 'app',
  app: 'app',
  certificate: 'app',
  cert: 'app',
  credential: 'app',
  credentials: 'app',
  registration: 'app',
  connection: 'connection',
  connections: 'connection',
  environment: 'environment',
  env: 'environment',
};

const TYPE_PRIORITY: EntityType[] = ['flow', 'solution', 'app', 'user', 'connection', 'environment'];

const TROUBLE =
  /\b(?:fail\w*|error\w*|broken|break\w*|won'?t|wont|can'?t|cant|cannot|unable|not (?:work|run|start|turn)\w*|isn'?t|doesn'?t|didn'?t|off|stopp?ed|stuck|crash\w*|issues?|problems?|wrong|fix|diagnos\w*|troubleshoot|debug|down|connectionauthorizationfailed|invalidtemplate|unauthorized|forbidden)\b/;
const ROTATE =
  /\b(?:rotate|rotating|rotation|renew\w*|roll|regenerat\w*|new (?:client )?(?:secret|credentials?)|fresh|replac\w*|refresh|cycl\w*|generate|new one|change (?:the |its |their )?(?:client )?(?:secret|credentials?))\b/;
/** A rotation asked for with a verb: "when was the last rotation" is history, "rotate it" is not. */
const ROTATE_VERB = new RegExp(ROTATE.source.replace('|rotation|', '|'));
const REFERENCE_WORDS = /\b(?:refs?|references?)\b/;
const HOW_TO =
  /^(?:how (?:do|can|should|would|to|does)\b|what (?:is|are|does|do) (?:a|an|the|it)\b|what'?s (?:a|an|the)\b(?! (?:state|status|health|condition) of\b)|whats (?:a|an|the)\b(?! (?:state|status|health|condition) of\b)|why (?:would|should|do|does|is it|are)\b|can (?:a|an|guests?|makers?|users?|i|we|you(?! (?:(?!tell\b|explain\b)\w+ me|scan|rescan|recheck|list|show|run|kick|start|stop|notify|warn|remind|alert)\b)|flows?|service)\b|should (?:i|we|my|a)\b|is it\b|is (?:a|an)\b|what do (?:i|we)\b(?! (?:own|have)\b)|is there (?:a|an|any way)\b|do (?:i|we)\b(?! have\b)|do (?:you|service|guests?|makers?|flows?)\b|does (?:a|an|the|it|my|changing)\b|when (?:should|do|does|is)\b|where (?:do|should|can|is|are)\b|which (?:is|one is) better|explain\b|tell me about\b|what happens\b|what'?s the difference|is \w+ (?:a )?premium|(?:check|verify|confirm|see) (?:that|if|whether)\b|.*\bwrong with \w+ing\b|why can'?t (?:i|we|you) share\b|can \w+(?: \w+)? be \w+(?:ed|en)\b|.*\bbe (?:scripted|automated|renamed|shared|transferred|changed)\b)/;
/**
 * A request about the tenant uses at least one word of this domain (or one of the tenant's names); a sentence
 * with none ("who won the match last night?") is not a request, whatever the classifier's nearest intent.
 */
const DOMAIN =
  /\b(?:con+ect?\w*|conns?|flows?|secrets?|apps?|solutions?|refs?|references?|(?:re-?)?scan\w*|recheck\w*|tenant|alerts?|notif\w*|subscri\w*|remind\w*|health\w*|audit\w*|history|log|approv\w*|rotat\w*|shar\w*|access|expir\w*|certs?|certificates?|credentials?|report|governance|findings?|renew\w*|permissions?|owners?|own|depend\w*|hand ?over|transfer|reassign|re-?point|point|stuff|things|uses?|used|breaks?|changed?|fail\w*|error\w*|broken|turn on|start|run\w*|check|diagnos\w*|fix|troubleshoot|posted|informed|loop|warn|ping|tell me when|let me know|mute|quiet|opt|stop|sign me up|again|everything|risks?|problems?|issues?|status|healthy|wrong|environments?|platform|compliance|overview|data|refresh\w*|expiry|lapse\w*)\b/;
const HELP_WORDS =
  /\b(?:help|commands?|menu|features?|capabilit\w*|capable|options|usage|instructions|guide|tips|you|u|bot|this|here|ask|type|support)\b/;
const ABOUT_THE_BOT =
  /\b(?:things|stuff|commands|what|which)\b(?: \w+)? (?:(?:i|we) (?:can|could)|(?:can|could) (?:i|we)) (?:ask|type|say|tell)\b(?: \w+){0,2} (?:you|u|bot|this bot)\b/;
const ERRAND = /^(?:can|could|would|will) (?:you|u) (?!help\b|do\b|tell\b|show\b|list\b|explain\b)\w+/;
const GATED: (ClassifiedIntent | 'None')[] = [
  'audit',
  'healthReport',
  'scanNow',
  'requestRotation',
  'requestShare',
  'impact',
  'handover',
  'repointReferences',
  'subscribe',
  'diagnoseFlow',
  'showMyConnections',
  'solutionReferences',
  'expiringSecrets',
];

/**
 * Requests that change who may use or own something. Drafting one from a misreading is worse than asking, so each
 * must be said in so many words: the classifier's nearest reading ("is Lee Gu okay" is nearest to a handover, for
 * lack of any other word it knows) is not enough, and a bare name after one is not taken as "the same again".
 */
const PRIVILEGED: ClassifiedIntent[] = ['requestShare', 'requestRotation', 'repointReferences', 'handover'];
const ASKS_FOR: Partial<Record<ClassifiedIntent, RegExp>> = {
  requestRotation: ROTATE,
  requestShare:
    /\b(?:shar\w*|grant\w*|give|giving|let|allow\w*|access|use|using|available|add|open|needs?|wants?|should|must)\b/,
  handover:
    /\b(?:hand\w*|transfer\w*|move|moving|reassign\w*|give|pass|takes?|taking|inherit\w*|gets|belong\w*|owner|own|charge|leaving|left|leaves|quit|gone)\b/,
  repointReferences:
    /\b(?:point|repoint|switch\w*|move|rebind|bind|swap|change|use|using|reconnect|replace|update|onto|instead|fix)\b/,
  // Not privileged, but it changes what the person gets at once: a sentence about something else ("does blocking
  // HTTP stop child flows?") must not silence them. It names the bot's messages or the person, or is a bare word or
  // three ("stop", "mute", "quiet please").
  unsubscribe:
    /\b(?:unsub\w*|subscri\w*|notif\w*|alert\w*|remind\w*|digest\w*|messag\w*|ping\w*|e-?mails?|dms?|updates?|warnings?|nag\w*|spam\w*|opt|me|us)\b|^\W*\w+(?:\s+\w+){0,2}\W*$/,
};

/** The thing a privileged request is about, which the sentence must name for it to be read from a runner-up. */
const SUBJECT_OF: Partial<Record<ClassifiedIntent, EntityType>> = {
  requestRotation: 'app',
  requestShare: 'user',
  handover: 'user',
  repointReferences: 'solution',
};

const isOwnThing = (type: EntityType): boolean => type !== 'connection' && type !== 'environment';

const namesOwnEarly = (typed: Typed[]): boolean =>
  typed.some((t) => t.type !== 'connection' && t.type !== 'environment');

const GENERAL_ABOUT_CONNECTOR: (ClassifiedIntent | 'None')[] = ['showMyConnections', 'diagnoseFlow', 'expiringSecrets'];

/** An error's name or text: a question about the error, unless a flow of the tenant is named. */
const ERROR_TEXT =
  /\b(?:connectionauthorizationfailed|connection authorization failed|invalidtemplate|unauthorized|forbidden|401|403|429)\b/;

/** What is left of a message that only refuses an action ("no, don't share it yet"). */
const LEFT_OVER = /^(?:no|do|it|that|them|those|yet|anything|actually|wait|now|please|pls|thanks|one|ones|any|of)$/;

/** The answer to a message that only refuses a privileged action: nothing is done without a confirmed card. */
const NOTHING_DONE: ConnectionChoice = {
  title: 'OK, nothing will be done.',
  intro:
    'A share, secret rotation, re-point or hand-over only goes ahead when you press Send request on its card and ' +
    'it is approved; to drop a request you started, press Cancel on that card.',
  choices: [],
};

/** Words that say nothing about what to do. */
const FILLER = new Set(
  'what about how and the my our a an this that flow app solution secret user person tell me please pls so ok okay hmm'.split(
    ' ',
  ),
);

const CONNECTION_WORDS = new Set(['connection', 'connections', 'conn', 'conns']);

const FOLLOW_UP =
  /^(?:and|what about|how about|same for|same with|also|now|then|ok and|okay and|and what about|and for|and also)\b/;
const REFERENCE =
  /\b(?:it|that|this|them|those|these|(?:the )?(?:first|second|third|last|top|1st|2nd|3rd|same|that|this) (?:one|app|flow|solution)?)\b/;
const ORDINALS: Record<string, number> = {
  first: 0,
  '1st': 0,
  top: 0,
  second: 1,
  '2nd': 1,
  third: 2,
  '3rd': 2,
  last: -1,
};
const WHO_APPROVES =
  /\bwho (?:can|could|will|would|must|should|has to|needs to|is going to) approve\b|\bwho approves\b/;

interface Typed {
  match: NameMatch;
  type: EntityType;
  hit: TenantName;
  /** The type was said next to the name ("the X flow"), so the intent must not change it. */
  said: boolean;
}

export async function understand(text: string, options: UnderstandOptions = {}): Promise<Understanding> {
  const classifier = await sharedClassifier();
  const cleaned = cleanMessage(text);
  const now = options.now ?? new Date();
  // A request is said in its first sentences; what follows (a pasted error, a log) is for the answer, not the intent.
  // Reading only the lead keeps a 28 KB message as cheap to understand as a short one.
  // Of a chatty message, its ask: without the pleasantries around it or the context after a short question.
  const lead = portalLinksAsNames(theAsk(leadOf(cleaned)));
  const typedWords = words(lead);
  // Names are found in the words as typed (the index has its own typo table); the rest are read as meant.
  const matches = options.names ? options.names.find(typedWords) : [];
  const inName = (i: number) => matches.some((m) => i >= m.from && i < m.to);
  // Other words for the corpus's words first ("lapsed" is not a typo of anything), then typos.
  // A refused privileged action ("don't share it, just list them") is taken out before anything reads the words.
  const synonymous = canonicalWords(
    typedWords.map((w) => w.text),
    inName,
  );
  const canonical = withoutRefusedActions(
    synonymous,
    inName,
    (i) => i > 0 && /[,.;:!?]/.test(lead.slice(typedWords[i - 1].end, typedWords[i].start)),
  );
  const refused = canonical.some((w, i) => w !== synonymous[i]);
  const ws = typedWords.map((w, i) => {
    const meant = inName(i) ? w.text : canonical[i] !== w.text ? canonical[i] : correctWord(w.text);
    return meant === w.text ? w : { ...w, text: meant, raw: meant };
  });
  const lower = ws
    .map((w) => w.text)
    .filter((t) => t)
    .join(' ');
  const forcedQuestion = /^question:\s*/i.exec(cleaned);
  if (forcedQuestion) {
    const question = cleaned.slice(forcedQuestion[0].length);
    return { intent: 'question', entities: {}, confidence: 1, text: question };
  }
  // "don't share it", "no, do not rotate that": refused, and nothing else asked. Nothing goes ahead from a message.
  if (refused && lower.split(' ').every((w) => !w || FILLER.has(w) || LEFT_OVER.test(w))) {
    return { intent: 'clarify', entities: {}, confidence: 0.9, choose: NOTHING_DONE, text: cleaned };
  }
  // "never mind", "anything of mine in error state", "what have you done lately": asks without command words.
  const plain = plainAsk(
    cleaned.toLowerCase(),
    lower,
    matches.some((m) => m.hits.some((h) => isOwnThing(h.name.type))),
  );
  if (plain === 'nothingToDo')
    return { intent: 'clarify', entities: {}, confidence: 0.9, choose: NOTHING_DONE, text: cleaned };
  if (plain) return { intent: plain, entities: {}, confidence: 0.85, text: cleaned };
  const last = fresh(options.last, now);
  // (Names typed by the person are recognised whatever their owner — a co-owner types a flow created by someone
  // else; the request itself checks access, and pickers offer only what the caller may see.)
  const typed = matches.map((m) => typeOf(m, ws));
  typed.push(...guessedNames(lead, ws, typed));
  typed.sort((a, b) => a.match.from - b.match.from);
  let ranked = await classifier.classify(delexicalise(ws, typed));
  // A subject the index does not know, in a request's usual place ("Stock alerts won't turn on"): read the
  // sentence with it as a name of that kind; if that reading is a confident request about such a thing, take it.
  if (!typed.some((t) => t.type !== 'connection' && t.type !== 'environment')) {
    const slot = await subjectInSlot(classifier, cleaned, ranked[0]);
    if (slot) {
      ranked = slot.ranked;
      typed.push(slot.typed);
    }
  }
  const top = ranked[0];
  let intent: ClassifiedIntent | 'None' = top.intent;
  let confidence = top.score;

  // Follow-ups on the last subject: "and Nightly export?", "what about Lunch order", "rotate the first one".
  if (last && isKnownIntent(last.intent)) {
    const followUp = followUpOn(last, typed, ws, lower, now);
    if (followUp) return { ...followUp, text: cleaned };
  }

  // "is there a list of things I can type to you", "which things can I ask u about": what the bot can do, though
  // it starts like a how-to question.
  if (!typed.length && ABOUT_THE_BOT.test(lower))
    return { intent: 'help', entities: {}, confidence: 0.9, text: cleaned };

  // A name and nothing that says what to do with it ("Lee Gu", "what about CoE-Sync-SP"): offer what can be done.
  const said = ws.filter((w, i) => !typed.some((t) => i >= t.match.from && i < t.match.to) && !FILLER.has(w.text));
  if (typed.some((t) => t.type !== 'connection' && t.type !== 'environment') && said.length === 0) {
    return clarifyAbout(typed, cleaned, top.score, false);
  }
  // "what about the SQL connection" with nothing before it: a connector named and no request said.
  if (typed.length && said.every((w) => CONNECTION_WORDS.has(w.text))) return clarifyAbout(typed, cleaned, top.score);

  // One connection named ("Lee's SharePoint connection", an id pasted from the portal): a subject of its own.
  const phrases = connectionPhrases(lead, ws, matches, options.names?.connections, options);
  const namesConnection = phrases.some((p) => p.matches.length > 0);

  // Names lift the intent where the sentence shape leaves it open.
  const has = (type: EntityType) =>
    typed.some((t) => t.type === type || t.match.hits.some((h) => h.name.type === type));
  const lifted =
    liftByNames(intent, lower, has) ??
    (phrases.some((p) => p.matches.length && isTarget(p, ws)) ? liftToRepoint(intent, lower) : undefined) ??
    (namesConnection ? liftToImpact(intent, lower) : undefined);
  if (lifted && lifted !== intent) {
    intent = lifted;
    confidence = Math.max(confidence, 0.9);
  } else if (lifted) confidence = Math.max(confidence, 0.9);

  if (GATED.includes(intent) && !typed.length && !DOMAIN.test(lower)) intent = 'None';
  // Asking about the bot names the bot or how to use it; "how do I bake bread" only shares "how do I" with it.
  // "can you order pizza" asks for a task, not what the bot can do: help is about abilities, not one errand.
  if (intent === 'help' && (!HELP_WORDS.test(lower) || ERRAND.test(lower))) intent = 'None';

  if (intent === 'None') {
    return namesOwnEarly(typed) && !HOW_TO.test(lower)
      ? clarifyAbout(typed, cleaned, top.score)
      : { intent: 'question', entities: {}, confidence: 0.3, text: cleaned };
  }

  // "dataverse connection expired, flow still ok??": a question about a kind of connection, not about mine.
  const aboutConnector = typed.some((t) => t.type === 'connection');
  const generalQuestion = /\?\s*$/.test(cleaned) && !/\b(?:my|i|i'm|im|we|our|mine|me)\b/.test(lower);
  if (!namesOwnEarly(typed) && aboutConnector && generalQuestion && GENERAL_ABOUT_CONNECTOR.includes(intent)) {
    return { intent: 'question', entities: {}, confidence: Math.max(0.6, confidence), text: cleaned };
  }
  if (!namesOwnEarly(typed) && ERROR_TEXT.test(lower) && intent !== 'question') {
    return { intent: 'question', entities: {}, confidence: Math.max(0.6, confidence), text: cleaned };
  }

  // A how-to question, or a long sentence, that names nothing of the tenant's own stays a question: requests
  // without a name are short ("my flow won't turn on"), questions explain their situation.
  // One connection named counts as the tenant's own in a long request about it (what depends on it, re-point to
  // it), not in a question that explains a situation ("my Dataverse connection keeps asking me to sign in…").
  const aboutConnection = namesConnection && (intent === 'impact' || intent === 'repointReferences');
  const namesOwn =
    typed.some((t) => t.type !== 'connection' && t.type !== 'environment') ||
    (aboutConnection && (!HOW_TO.test(lower) || IF_GONE.test(lower)));
  const long = ws.length >= 13;
  if (intent !== 'question' && !namesOwn && (HOW_TO.test(lower) || long) && !['help', 'greeting'].includes(intent)) {
    return {
      intent: 'question',
      entities: {},
      confidence: Math.max(0.6, ranked.find((r) => r.intent === 'question')?.score ?? 0),
      text: cleaned,
    };
  }

  // Close call between two readings: ask, unless one is a general question and nothing of the tenant is named.
  const second = ranked[1];
  if (!lifted && second && second.intent !== 'None' && top.score - second.score < 0.3 && top.score < 0.8) {
    const pair = [top, second];
    // Nothing of the tenant's own named: the knowledge answer comes with buttons for the tenant checks anyway.
    if (!namesOwnEarly(typed)) return { intent: 'question', entities: {}, confidence: top.score, text: cleaned };
    const entities = entitiesFor(
      top.intent as ClassifiedIntent,
      retype(typed, top.intent as ClassifiedIntent),
      lower,
      now,
    );
    return {
      intent: 'clarify',
      entities,
      confidence: top.score,
      choices: pair.map((c) =>
        choiceFor(
          c.intent as ClassifiedIntent,
          entitiesFor(c.intent as ClassifiedIntent, retype(typed, c.intent as ClassifiedIntent), lower, now),
          cleaned,
        ),
      ),
      text: cleaned,
    };
  }

  if (intent === 'question') {
    // A question that names the tenant's own things but fits no request: offer what can be done about them.
    if (typed.some((t) => t.type !== 'connection' && t.type !== 'environment') && !HOW_TO.test(lower)) {
      return clarifyAbout(typed, cleaned, confidence);
    }
    return { intent: 'question', entities: {}, confidence, text: cleaned };
  }

  const asksFor = ASKS_FOR[intent];
  // The nearest reading is a privileged request the sentence does not ask for, but a runner-up is one it asks for in
  // so many words, about a thing it names ("cycle the credential on X before it lapses" is nearest to a share):
  // that one is meant. Otherwise ask.
  const meant =
    asksFor && !asksFor.test(lower)
      ? ranked.find(
          (r) =>
            r.intent !== intent &&
            r.intent !== 'None' &&
            r.score >= 0.15 &&
            PRIVILEGED.includes(r.intent) &&
            ASKS_FOR[r.intent]?.test(lower) &&
            has(SUBJECT_OF[r.intent] ?? 'user'),
        )
      : undefined;
  // Or the names settle it as they would with no reading at all ("Adele can't switch Weekly report on, and how do
  // co-owners work?" is nearest to a hand-over for "owners", but names a flow and trouble).
  const byNames = asksFor && !asksFor.test(lower) && !meant ? liftByNames('None', lower, has) : undefined;
  if (meant) {
    intent = meant.intent as ClassifiedIntent;
    confidence = meant.score;
  } else if (byNames && (!PRIVILEGED.includes(byNames) || ASKS_FOR[byNames]?.test(lower))) {
    intent = byNames;
  } else if (asksFor && !asksFor.test(lower)) {
    return namesOwnEarly(typed)
      ? clarifyAbout(typed, cleaned, confidence)
      : { intent: 'question', entities: {}, confidence: Math.min(confidence, 0.5), text: cleaned };
  }

  const chosen = retype(typed, intent);
  const entities = entitiesFor(intent, chosen, lower, now);
  const choose = settleConnection(intent, phrases, ws, entities);
  if (choose) return { intent, entities, confidence, choose, text: cleaned };
  const needed = NEEDS[intent];
  const optional = TYPED_SUBJECT[intent];
  if (optional && !entities[optional]) {
    const raw = rawSubject(intent, cleaned);
    if (raw) entities[optional] = raw;
  }
  if (needed && !entities[needed]) {
    // "rotate it" with nothing before it, or a name the index does not know: take the words as typed.
    const raw = rawSubject(intent, cleaned);
    if (raw) entities[needed] = raw;
  }
  if (intent === 'requestShare') {
    entities.connection ??= /\b(?:my|the|our)\s+([\w\s-]+?)\s+connection\b/i.exec(cleaned)?.[1];
    entities.environment ??= /\bin\s+(?:the\s+)?([A-Za-z]+)(?:\s+(?:environment|env))?\s+with\b/i.exec(cleaned)?.[1];
  }
  if (needed && !entities[needed]) {
    // "expired connection, flow still ok??": asked about flows in general, not about one of mine.
    if (/\?\s*$/.test(cleaned) && !/\b(?:my|i|i'm|im|we|our|mine|me)\b/.test(lower)) {
      return { intent: 'question', entities: {}, confidence, text: cleaned };
    }
    return { intent, entities, confidence, missing: needed, text: cleaned };
  }
  return { intent, entities, confidence, text: cleaned };
}

/** The characters of a message that understanding reads (whole words only). */
export const UNDERSTOOD_CHARS = 400;

function leadOf(text: string): string {
  if (text.length <= UNDERSTOOD_CHARS) return text;
  const cut = text.slice(0, UNDERSTOOD_CHARS);
  return cut.replace(/\s+\S*$/, '') || cut;
}

/** Turn state comes back from storage: only a subject this version knows is followed up on. */
function isKnownIntent(intent: string): intent is ClassifiedIntent {
  return Object.prototype.hasOwnProperty.call(WANTS, intent) || Object.prototype.hasOwnProperty.call(NEEDS, intent);
}

function fresh(last: ConversationSubject | undefined, now: Date): ConversationSubject | undefined {
  if (!last) return undefined;
  const at = Date.parse(last.at);
  return Number.isFinite(at) && now.getTime() - at <= SUBJECT_TTL_MS ? last : undefined;
}

/** The kind of thing a matched name is: said next to it ("the X flow"), else its best hit. */
function typeOf(match: NameMatch, ws: Word[]): Typed {
  const types = new Set(match.hits.map((h) => h.name.type));
  const near = [ws[match.to]?.text, ws[match.to + 1]?.text, ws[match.from - 1]?.text, ws[match.from - 2]?.text];
  let said: EntityType | undefined;
  for (let i = 0; i < near.length; i++) {
    const word = near[i];
    if (!word) continue;
    let type = CONTEXT_WORDS[word];
    // "X connection references" are the references of a solution X.
    if (type === 'connection' && i === 0 && REFERENCE_WORDS.test(ws[match.to + 1]?.text ?? '')) type = 'solution';
    if (type && types.has(type)) {
      said = type;
      break;
    }
  }
  if (said) {
    const hit = match.hits.find((h) => h.name.type === said);
    if (hit) return { match, type: said, hit: hit.name, said: true };
  }
  const best = match.hits[0];
  const tied = match.hits.filter((h) => h.score >= best.score - 0.05).map((h) => h.name.type);
  const type = TYPE_PRIORITY.find((t) => tied.includes(t)) ?? best.name.type;
  return { match, type, hit: match.hits.find((h) => h.name.type === type)?.name ?? best.name, said: false };
}

/** Words no name may be made of: product and protocol names people capitalise. */
const NOT_NAMES = new Set(
  (
    'i dataverse sharepoint oauth power automate apps platform teams sql server outlook entra azure microsoft key ' +
    'vault office 365 connectionauthorizationfailed api onedrive excel copilot word dynamics admin center windows ' +
    'authentication ' +
    'can why how what which who when where is are do does the my our a an please pls hi hello hey and or but ' +
    'show list check rotate renew share give grant let diagnose fix help'
  ).split(' '),
);

/**
 * Names the index does not know yet (made since it was read), guessed from how they are written: capitalised
 * words right next to the word that says what they are ("the Stock Alerts flow", "Vendor Management's
 * references"). Taken as typed; the request itself then looks them up and says so if they do not exist.
 */
function guessedNames(cleaned: string, ws: Word[], known: Typed[]): Typed[] {
  const taken = (i: number) => known.some((t) => i >= t.match.from && i < t.match.to);
  const nameWord = (w: Word) => /^\p{Lu}/u.test(w.raw) && !NOT_NAMES.has(w.text);
  const out: Typed[] = [];
  for (let i = 0; i < ws.length; i++) {
    if (taken(i) || !nameWord(ws[i])) continue;
    let j = i;
    while (j < ws.length && !taken(j) && nameWord(ws[j]) && j - i < 6) j++;
    const possessive = /'s$/i.test(ws[j - 1].raw);
    let type: EntityType | undefined;
    const next = ws[j]?.text;
    const after = ws[j + 1]?.text;
    if (next === 'connection' && after && REFERENCE_WORDS.test(after)) type = 'solution';
    else if (
      next &&
      ['flow', 'solution', 'references', 'reference', 'refs', 'ref', 'secret', 'secrets'].includes(next)
    ) {
      type = CONTEXT_WORDS[next];
    } else if (possessive && next && ['flows', 'stuff', 'things', 'work', 'connections'].includes(next)) type = 'user';
    else {
      type = typeByCue(ws[i - 2]?.text, ws[i - 1]?.text);
      // After a cue the name may go on in lower case ("turn on Weekly report"), up to punctuation or a verb.
      // (Not a person's: people's names are written with capitals, "with Windows authentication" is not one.)
      while (type && type !== 'user' && j < ws.length && j - i < 6 && !taken(j) && !ENDS_NAME.has(ws[j].text)) {
        if (/[,.?!;:]/.test(cleaned.slice(ws[j - 1].end, ws[j].start))) break;
        j++;
      }
    }
    if (type && !(i === 0 && j - i === 1 && !possessive && type !== 'flow')) {
      const text = cleaned.slice(ws[i].start, ws[j - 1].end).replace(/'s$/i, '');
      const name: TenantName = { type, name: text };
      out.push({ match: { from: i, to: j, text, hits: [{ name, score: 0.5 }] }, type, hit: name, said: true });
    }
    i = j - 1;
  }
  return out;
}

const ENDS_NAME = new Set(
  (
    "flow solution app is are was keeps keep won't wont doesn't didn't failed fails failing has had please pls and " +
    "with in for to on again because since from so but or stopped throws gives can't cannot will"
  ).split(' '),
);

/** Where a request's subject usually stands, for names the index does not know. */
const SLOTS: { pattern: RegExp; type: EntityType }[] = [
  {
    pattern:
      /^(?:why\s+(?:is|does|did|won'?t|can'?t)\s+)?(?:the\s+)?(.+?)(?:\s+flow)?\s+(?:won'?t|wont|doesn'?t|isn'?t|is not|will not|keeps|kept|is off|is failing|is broken|failed|fails|stopped|has stopped|throws|gives|is erroring|errors)\b/i,
    type: 'flow',
  },
  { pattern: /^why\s+is\s+(?:the\s+)?(.+?)(?:\s+flow)?\s+(?:off|failing|broken|stopped|not running)\b/i, type: 'flow' },
  {
    pattern:
      /^(?:check|fix|diagnose|troubleshoot|debug)\s+(?:the\s+)?(?:flow\s+)?(.+?)(?:\s+flow)?\s*(?:please|pls)?$/i,
    type: 'flow',
  },
  {
    pattern:
      /\b(?:references?|refs?)\s+(?:does|do|of|in|for|used by)\s+(?:the\s+)?(.+?)(?:\s+solution)?(?:\s+(?:have|use|has))?$/i,
    type: 'solution',
  },
];

const GENERIC_SUBJECT =
  /\b(?:every|each|all|any|our|your|his|her|their|some|no|connectors?|connections?|power|platform|automate|apps?|references?|refs?|solutions?|environments?|tenant|premium|custom|canvas|dataverse|sharepoint|outlook|sql|oauth|guest|users?|service|principal|account|on|the)\b/i;

async function subjectInSlot(
  classifier: Awaited<ReturnType<typeof sharedClassifier>>,
  cleaned: string,
  first: Classification,
): Promise<{ ranked: Classification[]; typed: Typed } | undefined> {
  const text = cleaned.replace(/[?!.]+$/g, '').trim();
  for (const { pattern, type } of SLOTS) {
    const found = pattern.exec(text);
    const subject = found?.[1]?.trim();
    if (!found || !subject || !nameLike(subject) || subject.split(/\s+/).length > 4) continue;
    // A name, not a description: no "every connector", "power platform", "turning on the"; and written as a name
    // unless the whole message is short.
    if (GENERIC_SUBJECT.test(subject) || /^\w+ing\b/i.test(subject)) continue;
    if (!/\p{Lu}/u.test(subject) && words(text).length > 7) continue;
    const at = found.index + found[0].indexOf(subject);
    const replaced = `${text.slice(0, at)} ${PLACEHOLDER[type]} ${text.slice(at + subject.length)}`;
    const ranked = await classifier.classify(delexicalise(words(replaced), []));
    const wanted = ranked[0].intent !== 'None' ? WANTS[ranked[0].intent] : undefined;
    if (!wanted?.includes(type) || ranked[0].score < 0.8) continue;
    if (first.intent === ranked[0].intent && first.score >= ranked[0].score) continue;
    const ws = words(text);
    const from = ws.findIndex((w) => w.start >= at);
    const to = ws.findIndex((w) => w.start >= at + subject.length);
    const name: TenantName = { type, name: subject };
    const match: NameMatch = { from, to: to < 0 ? ws.length : to, text: subject, hits: [{ name, score: 0.5 }] };
    return { ranked, typed: { match, type, hit: name, said: true } };
  }
  return undefined;
}

/** The kind of a capitalised name by the words before it: "references in X", "turn on X", "secret of X". */
function typeByCue(before2: string | undefined, before: string | undefined): EntityType | undefined {
  if (!before) return undefined;
  if (['in', 'of', 'for'].includes(before) && before2 && REFERENCE_WORDS.test(before2)) return 'solution';
  if (
    ['of', 'for', 'on'].includes(before) &&
    before2 &&
    /^(?:secrets?|credentials?|certificates?|certs?)$/.test(before2)
  ) {
    return 'app';
  }
  if (['rotate', 'renew'].includes(before)) return 'app';
  if (['repoint', 're-point', 'rebind'].includes(before)) return 'solution';
  if (['for', 'of', 'on'].includes(before) && before2 && /^(?:audit|history|log)$/.test(before2)) return 'app';
  if ((before === 'on' && before2 === 'turn') || (before === 'with' && before2 === 'wrong')) return 'flow';
  if (['enable', 'activate', 'diagnose', 'troubleshoot', 'debug', 'check', 'fix'].includes(before)) return 'flow';
  if (before === 'with' && before2 !== 'fails' && before2 !== 'failed') return 'user';
  return undefined;
}

/** The sentence with names replaced by their kind and numbers by a number word. */
function delexicalise(ws: Word[], typed: Typed[]): string {
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    // Connectors and environments are everyday words of the domain (questions name them as often as requests
    // do), so the classifier sees them as typed; only the tenant's own names become their kind.
    const name = typed.find((t) => t.match.from === i && t.type !== 'connection' && t.type !== 'environment');
    if (name) {
      out.push(PLACEHOLDER[name.type]);
      i = name.match.to - 1;
    } else if (ws[i].text) out.push(/^\d+$/.test(ws[i].text) ? PLACEHOLDER.number : ws[i].raw.toLowerCase());
  }
  return out.join(' ');
}

/** A name of the kind the intent is about wins over another reading of the same words. */
function retype(typed: Typed[], intent: ClassifiedIntent): Typed[] {
  const wanted = WANTS[intent] ?? [];
  return typed.map((t) => {
    if (t.said || wanted.includes(t.type)) return t;
    for (const type of wanted) {
      const hit = t.match.hits.find((h) => h.name.type === type);
      if (hit) return { ...t, type, hit: hit.name };
    }
    return t;
  });
}

/** Words that ask what depends on something ("what depends on …", "which flows use …", "what breaks if …"). */
const IMPACT_WORDS =
  /\b(?:depend\w*|impact\w*|what (?:\w+ ){0,3}affected|rel(?:y|ies|ying) on|used by|what (?:\w+ )?(?:breaks?|stops?|fails?|uses?|using|needs?)|who (?:uses?|needs?)|which (?:flows?|references?|refs?|apps?|solutions?) (?:\w+ )?(?:use|uses|using|need|needs)|where is .+ used)\b/;
/** "What happens if I delete <that connection>" asks what depends on it, though "what happens" starts a how-to. */
const IF_GONE = /\bwhat happens (?:to \w+ )?(?:if|when) (?:i|we|you|someone) (?:delete|remove|disable|lose)\b/;

/**
 * A request about one named connection that the sentence shape reads as impact, or leaves open with impact words:
 * impact, without a close call ("what breaks if I remove …" reads like a question to the classifier). A question
 * without those words, or a how-to, stays a question ("my Dataverse connection expired, will my flow stop?").
 */
/** "switch Vendor Management's references to <a named connection>": a re-point, not a listing of references. */
function liftToRepoint(intent: ClassifiedIntent | 'None', lower: string): ClassifiedIntent | undefined {
  const open: (ClassifiedIntent | 'None')[] = ['None', 'solutionReferences', 'repointReferences'];
  return open.includes(intent) && REFERENCE_WORDS.test(lower) && REPOINT_VERBS.test(lower)
    ? 'repointReferences'
    : undefined;
}

const REPOINT_VERBS = /\b(?:point|re-?point|switch|move|rebind|re-?bind|swap|change|bind|map)\b/;

function liftToImpact(intent: ClassifiedIntent | 'None', lower: string): ClassifiedIntent | undefined {
  if (intent === 'impact') return 'impact';
  const open: (ClassifiedIntent | 'None')[] = [
    'None',
    'question',
    'showMyConnections',
    'diagnoseFlow',
    'solutionReferences',
  ];
  if (!open.includes(intent)) return undefined;
  if (IF_GONE.test(lower)) return 'impact';
  return IMPACT_WORDS.test(lower) && !HOW_TO.test(lower) ? 'impact' : undefined;
}

function liftByNames(
  intent: ClassifiedIntent | 'None',
  lower: string,
  has: (type: EntityType) => boolean,
): ClassifiedIntent | undefined {
  const settled: (ClassifiedIntent | 'None')[] = ['impact', 'handover', 'repointReferences', 'audit', 'requestShare'];
  // "time to change the client secret on X" reads like "what changed on X", but asks for a new secret.
  if (intent === 'audit' && has('app') && ROTATE_VERB.test(lower)) return 'requestRotation';
  // "what depends on the Outlook connection": a connector is named as often in questions, but these words ask
  // what hangs on a named thing of the tenant (a privileged reading keeps its own words).
  const named = (['user', 'app', 'connection', 'flow', 'solution'] as EntityType[]).some(has);
  if (named && IMPACT_CUE.test(lower) && !ROTATE_VERB.test(lower) && !PRIVILEGED.includes(intent as ClassifiedIntent)) {
    return 'impact';
  }
  if (settled.includes(intent)) return undefined;
  if (has('app') && ROTATE.test(lower)) return 'requestRotation';
  if (has('flow') && TROUBLE.test(lower) && intent !== 'requestRotation') return 'diagnoseFlow';
  if (
    has('solution') &&
    REFERENCE_WORDS.test(lower) &&
    !/\b(?:point|repoint|switch|move|rebind|bind|swap|change|reconnect|onto|instead)\b/.test(lower)
  ) {
    return 'solutionReferences';
  }
  return undefined;
}

const IMPACT_CUE =
  /\b(?:depends? on|depending on|dependen\w*|rel(?:y|ies|ying) on|blast radius|what (?:would )?breaks?|would break|stops? (?:working )?(?:if|when)|(?:goes|go|going) down (?:if|when)|affected (?:if|by)|impact of|which (?:flows|apps|solutions) (?:use|need)|what uses|where is .+ used)\b/;

const TAKES = /^(?:takes?|taking|took|inherits?|inheriting|gets?|should|will|now|becomes?)$/;

function entitiesFor(intent: ClassifiedIntent, typed: Typed[], lower: string, now: Date): Entities {
  const entities: Entities = {};
  const users = typed.filter((t) => t.type === 'user');
  const lowerWords = lower.split(' ');
  for (const t of typed) {
    if (t.type === 'user') continue;
    entities[t.type] ??= t.hit.name;
  }
  if (users.length) {
    if (intent === 'handover' && users.length > 1) {
      // "hand over Lee's flows to Lynne" / "Lynne takes over from Lee": the one after "to" receives.
      const before = (u: Typed) => lowerWords[u.match.from - 1];
      const after = (u: Typed) => lowerWords[u.match.to];
      const receiver =
        users.find((u) => before(u) === 'to' || before(u) === 'for') ??
        // "Lynne takes over what Lee had", "Megan inherits Lee's flows": the one who takes receives.
        users.find((u) => TAKES.test(after(u) ?? '')) ??
        (users.some((u) => before(u) === 'from') ? users.find((u) => before(u) !== 'from') : undefined) ??
        // "Lynne takes over Lee's flows": the possessive one gives.
        (users.some((u) => /'s$/i.test(u.match.text)) ? users.find((u) => !/'s$/i.test(u.match.text)) : undefined) ??
        users[1];
      entities.to = receiver.hit.name;
      entities.user = users.find((u) => u !== receiver)?.hit.name;
    } else {
      entities.user = users[0].hit.name;
      if (users[1]) entities.to = users[1].hit.name;
    }
  }
  if (intent === 'requestShare' && !entities.user && entities.app) {
    // Shared with an app registration: its service principal receives the share (the only way for OAuth ones).
    entities.user = entities.app;
    delete entities.app;
  }
  if (intent === 'expiringSecrets' || intent === 'impact') {
    const days = daysWindow(lower, now);
    if (days !== undefined) entities.days = days;
  }
  if (intent === 'subscribe') {
    const days = reminderDays(lower);
    if (days) entities.days = days;
  }
  return entities;
}

/** A subject typed without the index knowing it ("why can't I turn on Budget sync"), by the request's cue words. */
export function rawSubject(intent: ClassifiedIntent, text: string): string | undefined {
  const t = text.replace(/[?!.]+$/g, '').trim();
  const cues: Partial<Record<ClassifiedIntent, RegExp[]>> = {
    diagnoseFlow: [
      /\b(?:turn on|switch on|enable|activate|start|fix|diagnose|troubleshoot|debug|look at|wrong with|up with)\s+(?:the\s+)?(?:flow\s+)?(.+?)(?:\s+flow)?(?:\s+(?:on|again|please|pls))?$/i,
      /^(?:the\s+)?(?:flow\s+)?(.+?)(?:\s+flow)?\s+(?:is|keeps|won'?t|wont|doesn'?t|failed|fails|failing|has|stopped|isn'?t|will not|can'?t|throws|gives)\b/i,
    ],
    requestRotation: [
      /\b(?:secrets?|credentials?|certificates?)\s+(?:of|for|on)\s+(?:the\s+)?(?:app\s+)?(.+)$/i,
      /\b(?:rotate|renew|roll|regenerate|refresh|replace)\s+(?:the\s+)?(?!secret|client|credentials?|it\b|that\b|this\b|them\b)(.+?)(?:'s)?(?:\s+(?:client\s+)?(?:secret|credentials?))?$/i,
      /^(.+?)(?:'s)?\s+(?:needs|requires)\b/i,
    ],
    solutionReferences: [
      /\b(?:references?|refs?)\s+(?:in|of|for|used by)\s+(?:the\s+)?(.+?)(?:\s+solution)?$/i,
      /^(?:(?:show|list|check)\s+(?:me\s+)?)?(?:the\s+)?(.+?)(?:'s)?(?:\s+solution)?(?:\s+connection)?\s+(?:references?|refs?)$/i,
    ],
    repointReferences: [
      /\b(?:point|repoint|re-point|switch|move|rebind|swap|change)\s+(?:the\s+)?(.+?)(?:'s)?(?:\s+solution)?(?:\s+\w+)?\s+(?:connection\s+)?(?:references?|refs?)\b/i,
      /\b(?:references?|refs?)\s+(?:in|of)\s+(?:the\s+)?(.+?)(?:\s+solution)?\s+(?:at|to|on)\b/i,
    ],
    requestShare: [
      /\bwith\s+(.+)$/i,
      /^(?:give|grant|let|allow)\s+(.+?)\s+(?:access|use|to use)\b/i,
      /^can\s+(.+?)\s+use\b/i,
    ],
  };
  for (const cue of cues[intent] ?? []) {
    const found = cue.exec(t);
    const name = found?.[1]
      ?.replace(/^(?:the|my|our|a|an)\s+/i, '')
      .replace(/\s+(?:please|pls|for me)$/i, '')
      .trim();
    if (name && nameLike(name)) return name;
  }
  return undefined;
}

const CLAUSE_WORDS =
  /[.?!;:]|\b(?:is|are|was|were|be|isn't|aren't|doesn't|don't|didn't|won't|not|can|can't|cannot|could|should|would|will|do|does|did|how|why|what|when|where|which|working|broken|fails?|failing|it|this|that|them|one|flows?|secrets?|connections?|someone|anyone|somebody|users?|people|persons?|others?|everyone|colleagues?|co-?workers?|team ?mates?|partners?|guests?|managers?|boss|team)\b/i;
const nameLike = (name: string): boolean =>
  !CLAUSE_WORDS.test(name) && !/^(?:my|our|the|a|an|its?|mine|yours?)$/i.test(name) && name.split(/\s+/).length <= 6;

function followUpOn(
  last: ConversationSubject,
  typed: Typed[],
  ws: Word[],
  lower: string,
  now: Date,
): Omit<Understanding, 'text'> | undefined {
  const lastIntent = last.intent as ClassifiedIntent;
  // "who can approve that?" after a request: the same request again, whose confirmation card names its approvers
  // (nothing is sent until the person confirms, and it works for makers, who may not read the audit log).
  if (WHO_APPROVES.test(lower) && (lastIntent === 'requestRotation' || lastIntent === 'requestShare')) {
    return { intent: lastIntent, entities: { ...last.entities }, confidence: 0.9 };
  }
  const wanted = WANTS[lastIntent] ?? [];
  const spare = ws.length - typed.reduce((n, t) => n + (t.match.to - t.match.from), 0);
  const shortFollowUp = FOLLOW_UP.test(lower) && spare <= 6;
  const onlyNames = typed.length > 0 && spare <= 1;
  // A bare name after a privileged request is not "the same again" ("Adele" after a share): only "and Adele?" is.
  if ((shortFollowUp || (onlyNames && !PRIVILEGED.includes(lastIntent))) && typed.length) {
    const same = typed
      .map((t) => {
        const type = wanted.find((w) => w === t.type || t.match.hits.some((h) => h.name.type === w));
        const hit = type ? t.match.hits.find((h) => h.name.type === type)?.name : undefined;
        return type && hit ? { type, hit } : undefined;
      })
      .filter((x) => x !== undefined);
    // "and the SQL connection?" after a re-point is not that re-point with another connection: a privileged
    // request is repeated only for another subject of its main kind ("and CoE-Sync-SP?" after a rotation).
    const main = NEEDS[lastIntent] ?? wanted[0];
    if (PRIVILEGED.includes(lastIntent) && !same.some((s) => s.type === main)) return undefined;
    if (same.length) {
      // A connection picked by id was the last subject; a new name replaces it.
      const { connectionId: _picked, ...kept } = last.entities;
      const entities: Entities = kept;
      for (const { type, hit } of same) entities[type] = hit.name;
      return { intent: lastIntent, entities, confidence: 0.85 };
    }
  }
  if (shortFollowUp && lastIntent === 'expiringSecrets') {
    const days = daysWindow(lower, now);
    if (days !== undefined) return { intent: lastIntent, entities: { days }, confidence: 0.85 };
  }
  // "rotate it", "rotate the first one", "diagnose that one": a pronoun for what was just shown or talked about.
  const pronoun = REFERENCE.exec(lower);
  if (!pronoun || typed.length || ws.length > 8) return undefined;
  const action = ROTATE.test(lower)
    ? 'requestRotation'
    : TROUBLE.test(lower) || /\b(?:diagnose|check)\b/.test(lower)
      ? 'diagnoseFlow'
      : /\b(?:depend|uses?|impact|breaks?)\b/.test(lower)
        ? 'impact'
        : /\b(?:references?|refs?)\b/.test(lower)
          ? 'solutionReferences'
          : undefined;
  if (!action) return undefined;
  const type = NEEDS[action] ?? (WANTS[action] ?? [])[0];
  if (!type) return undefined;
  const shown = (last.shown ?? []).filter((s) => s.type === type);
  const ordinal = Object.keys(ORDINALS).find((o) => new RegExp(`\\b${o}\\b`).test(lower));
  if (shown.length) {
    if (ordinal !== undefined) {
      const index = ORDINALS[ordinal] < 0 ? shown.length + ORDINALS[ordinal] : ORDINALS[ordinal];
      if (shown[index]) return { intent: action, entities: { [type]: shown[index].name }, confidence: 0.85 };
    } else if (shown.length === 1) {
      return { intent: action, entities: { [type]: shown[0].name }, confidence: 0.85 };
    } else {
      return {
        intent: 'clarify',
        entities: {},
        confidence: 0.5,
        choices: shown.slice(0, 6).map((s) => choiceFor(action, { [type]: s.name }, '')),
      };
    }
  }
  const named = last.entities[type];
  if (typeof named === 'string') return { intent: action, entities: { [type]: named }, confidence: 0.85 };
  return undefined;
}

/** A question naming tenant things that fits no request: offer what can be done about the first of them. */
function clarifyAbout(typed: Typed[], text: string, confidence: number, asQuestion = true): Understanding {
  const first = typed.find((t) => t.type !== 'connection' && t.type !== 'environment') ?? typed[0];
  const e = { [first.type]: first.hit.name } as Entities;
  const offers: ClassifiedIntent[] =
    first.type === 'flow'
      ? ['diagnoseFlow', 'impact']
      : first.type === 'solution'
        ? ['solutionReferences', 'repointReferences']
        : first.type === 'app'
          ? ['expiringSecrets', 'requestRotation', 'impact']
          : first.type === 'user'
            ? ['impact', 'handover']
            : ['showMyConnections'];
  return {
    intent: 'clarify',
    entities: e,
    confidence: Math.min(confidence, 0.5),
    choices: [...offers.map((o) => choiceFor(o, e, text)), ...(asQuestion ? [choiceFor('question', e, text)] : [])],
    text,
  };
}

/** A button for one reading: a request in words the classifier reads back as that same intent. */
export function choiceFor(intent: ClassifiedIntent, e: Entities, text: string): Choice {
  const who = e.user ?? 'someone';
  switch (intent) {
    case 'diagnoseFlow':
      return e.flow
        ? { title: `Diagnose flow ${e.flow}`, text: `diagnose flow ${e.flow}` }
        : { title: 'Diagnose one of my flows', text: "why can't I turn on my flow" };
    case 'solutionReferences':
      return e.solution
        ? { title: `Connection references in ${e.solution}`, text: `connection references in ${e.solution}` }
        : { title: 'Connection references of a solution', text: 'show me the references in my solution' };
    case 'requestRotation':
      return e.app
        ? { title: `Rotate the secret of ${e.app}`, text: `rotate the secret of ${e.app}` }
        : { title: 'Rotate a secret', text: 'rotate a secret' };
    case 'requestShare':
      return {
        title: `Share my ${e.connection ?? ''} connection with ${who}`.replace(/\s+/g, ' '),
        text: `share my ${e.connection ?? ''} connection with ${who}`.replace(/\s+/g, ' '),
      };
    case 'expiringSecrets':
      return typeof e.days === 'number'
        ? { title: `Secrets expiring within ${e.days} days`, text: `which secrets expire in the next ${e.days} days` }
        : { title: 'Secrets expiring soon', text: 'which secrets expire soon' };
    case 'showMyConnections':
      return { title: 'Show my connections', text: 'show my connections' };
    case 'healthReport':
      return { title: 'Health report', text: 'health report' };
    case 'audit': {
      const subject = e.app ?? e.flow ?? e.solution ?? e.connection ?? e.user;
      return subject
        ? { title: `Audit log of ${subject}`, text: `audit log for ${subject}` }
        : { title: 'Audit log', text: 'audit log' };
    }
    case 'subscribe':
      return { title: 'Subscribe to alerts', text: 'subscribe' };
    case 'unsubscribe':
      return { title: 'Stop alerts', text: 'unsubscribe' };
    case 'scanNow':
      return { title: 'Scan the tenant now', text: 'scan now' };
    case 'help':
      return { title: 'What can you do?', text: 'help' };
    case 'greeting':
      return { title: 'Say hello', text: 'hello' };
    case 'impact': {
      const subject = e.user ?? e.app ?? e.flow ?? e.solution ?? e.connection;
      return subject
        ? { title: `What depends on ${subject}?`, text: `what depends on ${subject}` }
        : { title: 'What depends on…', text: 'what depends on my app' };
    }
    case 'handover':
      return e.user
        ? { title: `Hand over ${e.user}'s flows`, text: `hand over ${e.user}'s flows to ${e.to ?? 'someone'}` }
        : { title: 'Hand over flows', text: 'hand over flows' };
    case 'repointReferences':
      return e.solution
        ? {
            title: `Re-point ${e.solution}'s references`,
            text: `point the ${e.solution} references at the service principal connection`,
          }
        : { title: 'Re-point references', text: 'repoint references' };
    case 'question':
      return { title: text ? `Answer "${text.slice(0, 60)}"` : 'Ask a question', text: `Question: ${text}` };
  }
}

export type { Classification };
