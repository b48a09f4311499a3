/**
 * Turns a maker's sloppy question into search terms: the words and abbreviations makers use ("SP", "conn ref",
 * "app reg", "MFA", "PA") are expanded to the words the articles use, stop words are dropped, and every word is
 * reduced to a light stem so "expired", "expires" and "expiring" meet. The same `stem` indexes the passages.
 *
 * A question becomes a list of concepts: one per content word, or one per recognised phrase with its expansion.
 * The answerer measures how many concepts the best passage covers to decide whether it is confident.
 */

/**
 * Function words and chat filler that say nothing about the topic; "using" only ties a thing to what it uses ("a flow
 * using a connection reference") and otherwise outweighed the words that matter as the knowledge base grew; "what
 * happens" asks for the consequence the passage states anyway.
 */
const STOP_WORDS = new Set(
  `a an the and or but if then so to of in on at by for with from into onto about as than too very also just
  is are was were be been being am do does did done doing have has had having i me my mine myself we us our ours
  you your yours it its itself this that these those there here what which who whom whose when where why how
  can could should would will shall may might must not no nor yes ok okay please pls plz thanks thank hi hello hey
  dont doesnt didnt cant cannot couldnt wont wouldnt shouldnt isnt arent wasnt werent im ive id youre theyre
  help need needs want wants wanted get gets got getting say says said tell told know think really still even
  anyone someone somebody something anything everything way ways thing things some any all each every
  they them their theirs he she him her his hers one ones own same other others such only again ever
  now currently actually basically kind sort like lot lots much many more most while since because bc coz cuz
  instead whether etc e g ie eg vs via per guys team folks explain explanation mean means meaning describe possible
  using happen happens happened`.split(/\s+/),
);

/**
 * Phrases and abbreviations → the words the knowledge base uses. Longest, most specific first: a phrase that
 * matched is consumed, so "conn ref" is not also read as two unknown words.
 */
const EXPANSIONS: [RegExp, string][] = [
  // Before the ways of saying "stop", which would read "data loss prevention" as data, loss and stop.
  [/\bdlp\b|\bdata\s*loss\s*prevention\b|\bdata\s*polic(?:y|ies)\b/g, 'data policy dlp'],
  [/\bconnection\s*authori[sz]ation\s*failed\b/g, 'connectionauthorizationfailed'],
  [/\bprv\s*act\s*on\s*behalf\s*of\s*another\s*user\b/g, 'prvactonbehalfofanotheruser'],
  [/\bact(?:ing)? on behalf of (?:another|other) users?\b/g, 'prvactonbehalfofanotheruser act behalf delegate'],
  [/\bconnectionreferences?\b/g, 'connection reference'],
  [/\bconn(?:ection)?\.?\s*refs?\b|\bconnref\b|\bc\.?r\.?s?\b(?!\s*m)/g, 'connection reference'],
  [/\bapp(?:lication)?\s*reg(?:istration)?s?\b/g, 'app registration service principal'],
  [/\bspns?\b|\bs\.?p\.?\b(?=[\s,.?!]|$)|\bservice\s*principles?\b/g, 'service principal'],
  [/\bapp\s*users?\b/g, 'application user'],
  [/\b(?:whoever|the (?:person|user|one) who|the user that)\s+(?:started|starts|start|triggered|triggers|kicked off|kicks off|runs|ran|launched|launches|calls|called)\b/g, 'invoker user start trigger'],
  // "the person who edited the row" is the trigger's modifying user; "keeps updating rows" is only rows changing.
  [/\b(?:who|whoever|person|user|one)\s+(?:\w+\s+)?(?:chang|edit|updat|modif)\w*\s+(?:the\s+|a\s+|that\s+)?(?:row|record)s?\b/g, 'modified row modifying user'],
  [/\b(?:chang|edit|updat|modif)\w*\s+(?:the\s+|a\s+|that\s+)?(?:row|record)s?\b/g, 'modified row'],
  [/\brecords?\b/g, 'record row'],
  [/\bco-?workers?\b|\bcolleagues?\b|\bteam\s*mates?\b/g, 'colleague user'],
  [/\b(?:tech(?:nical)?|service|functional|system|generic|shared)\s*(?:user|account|acct)s?\b/g, 'service account technical user'],
  [/\bmfa\b|\b2fa\b|\bmulti[\s-]?factor\b|\btwo[\s-]?factor\b/g, 'mfa multifactor'],
  // The product's name only says the question is about flows; "automate" alone is a topic (automating sharing).
  [/\bpower\s*automate\b|\bm?s\s*flow\b|\bp\.?a\.?\b(?=[\s,.?!]|$)/g, 'flow'],
  // Doing something by script rather than by hand ("automatically" is how the product behaves, not a request).
  [/\bprogrammatic\w*|\bscript(?:s|ed|ing)?\b|\bpowershell\b|\bapis?\b|\bin bulk\b|\bautomat(?:e|es|ed|ing|ion)\b/g, 'automate'],
  // Counting questions ask for a limit: "how many flows", "max flows", "a cap".
  [/\bhow\s+many\b|\bmax(?:imum)?\b|\bcaps?\b|\bcapped\b|\blimit(?:s|ed|ation|ations)?\b|\bquotas?\b|\bat most\b/g, 'limit maximum'],
  [/\b(?:many|multiple|several|various)\b/g, 'several'],
  // Ways of saying "stop": prevent, halt, kill, abort, "never … again".
  [/\bprevent\w*|\bhalt\w*|\bkill\w*|\babort\w*|\bnever\b(?=[^.?!]*\bagain\b)/g, 'stop'],
  [/\bsteps?\b/g, 'step action'],
  // Changing a connection's name is renaming it (not any name: "change the name of my Teams channel" is not ours).
  [/\b(?:chang|edit|updat|modif)\w*\s+(?:the\s+|its\s+|their\s+|a\s+|my\s+)?(?:display\s+)?names?(?=\s+of\s+(?:a\s+|the\s+|my\s+|our\s+)?conn)/g, 'rename'],
  [/\b(?:convert|migrat)\w*|\bchang\w*\s+(?:it|them|this|that|(?:the|my|our)\s+flows?)?\s*(?:over\s+)?to\b/g, 'switch convert'],
  [/\b(?:plain|direct(?:ly)?)\b/g, 'directly'],
  [/\b(?:types?|kinds?|sorts?)\s+of\s+(?:connections?|auth\w*|sign[\s-]?ins?)\b/g, 'connection type kind'],
  [/\bsign(?:s|ing|ed)?[\s-]?in\b|\blog(?:s|ging|ged)?[\s-]?in\b|\blogins?\b/g, 'authentication sign'],
  [/\btoo\s+(?:much|many|broad|powerful)\b|\bover[\s-]?privileged\b|\bexcessive\b/g, 'least privilege'],
  [/\b(?:business|mission)[\s-]*critical\b/g, 'production'],
  // "set up" is one request, not two words; "configure" asks for the same steps.
  [/\bset(?:ting)?[\s-]*up\b|\bsetup\b|\bconfigur\w*/g, 'set up'],
  [/\bbest\s+practices?\b|\bconventions?\b|\bguidelines?\b/g, 'best practice convention recommend'],
  [/\b(?:normal|ordinary|regular|standard|plain)\s+(?:users?|persons?|people|colleagues?|accounts?)\b/g, 'regular user'],
  [/\bgood or bad\b|\b(?:good|bad)\s+(?:idea|practice)\b|\brecommend\w*|\badvis\w*/g, 'recommend advise'],
  [/\bcarry on\b|\bkeep\s+(?:on\s+)?(?:working|going)\b|\bsucceed\w*/g, 'keep running'],
  [/\bpower\s*apps?\b/g, 'power apps'],
  [/\bppac\b|\b(?:power platform\s*)?admin\s*(?:center|centre|portal)\b/g, 'power platform admin center'],
  [/\b(?:azure\s*ad|aad|entra(?:\s*id)?|azure\s*active\s*directory)\b/g, 'entra azure'],
  [/\bkey\s*vault\b|\bkv\b|\bakv\b/g, 'key vault'],
  [/\brbac\b/g, 'role based access control'],
  // Network restrictions are asked about in many words: "IPs", "networking rules", "locked down network".
  [/\bip(?:s|\s*address(?:es)?|\s*ranges?)?\b|\bnetwork(?:ing)?\s*(?:rules?|restrictions?|access)\b/g, 'ip address firewall'],
  [/\benv(?:ironment)?\.?\s*var(?:iable)?s?\b/g, 'environment variable'],
  [/\bcerts?\b/g, 'certificate'],
  [/\bauth(?:entication|n)?\b/g, 'authentication sign'],
  [/\bsys\s*admin\b|\bsystem\s*admin(?:istrator)?\b|\bglobal\s*admin\b/g, 'system administrator'],
  [/\b(?:cds|common\s*data\s*service|dv)\b/g, 'dataverse'],
  [/\bd365\b|\bcrm\b|\bdynamics(?:\s*365)?\b/g, 'dynamics'],
  // A plan is a license plan here: "which plan replaced per user?".
  [/\bplans?\b/g, 'license plan'],
  [/\blicen[cs](?:e|es|ed|ing)\b/g, 'license'],
  [/\bunlicen[cs]ed\b/g, 'license'],
  [/\b(?:turn|switch)(?:ing|ed)?\s*(?:it\s*|the flow\s*|my flow\s*)?on\b|\bactivat\w*|\benabl\w*/g, 'turn on enable activate'],
  [/\b(?:turn|switch)(?:ing|ed)?\s*(?:it\s*|the flow\s*|my flow\s*)?off\b|\bdisabl\w*/g, 'turn off disable deactivate'],
  [/\brun[\s-]*only\b/g, 'run only'],
  // "which account did it run as", "what identity is used": the question of the identity a flow really used.
  [/\b(?:which|what)\s+(?:account|identity|user|credentials?)\b/g, 'identity used'],
  [/\b(?:run|ran|runs|running)\s*as\b/g, 'run as'],
  [/\bco[\s-]?owners?\b/g, 'co-owner'],
  [/\bguests?\b|\bexternal\s*users?\b|\bb2b\b/g, 'guest'],
  [/\bcustom\s*connectors?\b|\bcustom\s*apis?\b/g, 'custom connector'],
  [/\bcopy(?:ing|ied)?\s*(?:an?\s*|the\s*|my\s*)?environments?\b|\benvironment\s*cop(?:y|ies)\b/g, 'copy environment'],
  [/\benv(?:s|ironments?)?\b/g, 'environment'],
  [/\bprod(?:uction)?\b/g, 'production'],
  [/\bdev\b|\buat\b/g, 'environment'],
  [/\bsecrets?\b/g, 'client secret'],
  [/\bpwd\b|\bpasswords?\b|\bpw\b/g, 'password'],
  [/\bflow\s*checker\b/g, 'flow checker'],
  [/\binvok(?:er|ers|er's|ing user)\b/g, 'invoker'],
  [/\bexpir\w*|\blapsed?\b|\bran out\b|\brun out\b/g, 'expire'],
  [/\bleav(?:e|es|ing)\b|\bleft\b|\bleaver\b|\bquit\b|\bdeparted?\b/g, 'leave'],
  [/\bpremium\b/g, 'premium'],
  // "change a connection's display name": the possessive before the name.
  [/\b(?:chang|edit|updat|modif)\w*\s+(?:the\s+|a\s+|my\s+|our\s+)?connections?(?:'s|s')?\s+(?:display\s+)?names?\b/g, 'rename connection'],
  [/\brename\w*|\bre-name\w*/g, 'rename'],
  [/\bsolns?\b/g, 'solution'],
  [/\bsvc\b/g, 'service'],
  [/\bperms?\b|\bpermissions?\b|\bprivileges?\b|\baccess\s*rights?\b/g, 'permission privilege'],
];

/**
 * Words that make a question about our subject. Generic words the articles also use ("best", "create", "account",
 * "azure") are left out on purpose, so "How do I create a storage account in Azure?" is not taken for ours.
 */
const DOMAIN_WORDS = `connection connector flow dataverse reference principal secret certificate license premium solution
  environment share owner trigger invoker application registration entra tenant canvas automate apps guest rename
  privilege delegate role audit vault mfa multifactor custom oauth sharepoint outlook office dynamics import export
  technical enable activate connectionauthorizationfailed prvactonbehalfofanotheruser invalid expire leave
  password run-only run variable pipeline dlp impersonate impersonation deployment pac`.split(/\s+/);

export function isDomainTerm(term: string): boolean {
  return DOMAIN_TERMS.has(term);
}

export interface Concept {
  /** What the maker typed for this concept (for diagnostics). */
  said: string;
  /** Words to search (the expansion, for a recognised phrase); each is stemmed inside the search. */
  words: string[];
}

export interface AnalysedQuestion {
  concepts: Concept[];
  /** All words of all concepts, for the search query. */
  words: string[];
}

/** A light suffix stemmer shared by the index and the query: plural, -ing, -ed, final e. */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length < 4 || /\d/.test(w)) return w;
  if (/(ies|ied)$/.test(w) && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 3 && /([b-df-hj-np-tv-z])\1$/.test(w) && !/(ss|ll)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length >= 4) w = w.slice(0, -1);
  return w;
}

/**
 * The longest word worth searching. The longest word of the articles is far shorter; a longer "word" is pasted
 * noise, and fuzzy matching costs grow with its length (a 65,000-character word held the event loop for seconds).
 */
export const MAX_WORD_LENGTH = 40;

/** Lowercase words of a text; apostrophes dropped so "can't" and "cant" agree; over-long words dropped. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019']/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0 && w.length <= MAX_WORD_LENGTH);
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** The term an index or query word becomes, or null when it carries no meaning. */
export function processTerm(word: string): string | null {
  const lower = word.toLowerCase();
  if (lower.length < 2 || lower.length > MAX_WORD_LENGTH || STOP_WORDS.has(lower)) return null;
  return stem(lower);
}

/** The most distinct words of one question that are searched. */
export const MAX_CONCEPTS = 32;

export function analyseQuestion(question: string): AnalysedQuestion {
  let rest = ` ${question.toLowerCase().replace(/[\u2018\u2019]/g, "'")} `;
  const concepts: Concept[] = [];
  for (const [pattern, expansion] of EXPANSIONS) {
    pattern.lastIndex = 0;
    rest = rest.replace(pattern, (match) => {
      const said = match.trim();
      if (!said) return match;
      // Only the expansion is searched: the abbreviation itself ("conn ref") would also hit the synonym lists.
      concepts.push({ said, words: words(expansion).filter((w) => !STOP_WORDS.has(w)) });
      return ' ';
    });
  }
  const said = new Set(concepts.map((c) => c.said));
  for (const word of words(rest)) {
    // A question names a handful of things; past this many it is pasted text, and each unknown word costs a
    // fuzzy search.
    if (concepts.length >= MAX_CONCEPTS) break;
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    if (said.has(word)) continue;
    said.add(word);
    concepts.push({ said: word, words: [word] });
  }
  return { concepts, words: [...new Set(concepts.flatMap((c) => c.words))] };
}

const DOMAIN_TERMS = new Set(
  DOMAIN_WORDS.flatMap((w) => words(w))
    .map(processTerm)
    .filter((t): t is string => t !== null),
);
