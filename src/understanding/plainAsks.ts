/**
 * Kinds of wording the classifier reads wrong because they use none of its command words, recognised by their
 * shape instead. Each is taken only when the sentence names nothing of the tenant (a named flow, app, person or
 * solution is read as usual), so none of them can draft a privileged request.
 *
 * - my things in trouble, with no flow named ("anything of mine in error state"): the status of my connections,
 *   the one list of "my things" the bot has; "is my Stock alerts flow broken" names a flow and stays a diagnosis;
 * - people who have left and what they still own ("who left but still owns stuff"): the health report, whose
 *   findings include the connections owned by disabled accounts; a hand-over or "what if X leaves" is not this;
 * - what the bot has done ("what has the bot done lately", "your history"): the audit log;
 * - only a cancel word ("never mind", "forget it", "scratch that"): nothing is asked, and nothing will be done.
 */

export type PlainAsk = 'showMyConnections' | 'healthReport' | 'audit' | 'nothingToDo';

const MINE = /\b(?:mine|my (?:own )?(?:stuff|things|items|resources|bits))\b/;
const IN_TROUBLE =
  /\b(?:error\w*|erroring|broken|break\w*|fail\w*|faulted|bad state|unhealthy|not working|down|red|wrong|problems?|issues?)\b/;
/** Words that say which of my things, so the sentence is not about "my stuff" in general. */
const NAMES_A_KIND = /\b(?:flows?|apps?|secrets?|solutions?|certs?|certificates?|references?|refs?)\b/;

/** "left" only after a person ("who left", "people who have left"), not "what's left of my flows". */
const LEFT =
  /\b(?:(?:who|people|persons?|users?|someone|anyone|employees?|staff|colleagues?|makers?|owners?)\b(?: \w+){0,3} (?:left|quit)|leavers?|departed|ex-?employees?|former (?:staff|employees?|colleagues?|users?)|no longer (?:here|with us|around|employed|at \w+(?: \w+)?)|disabled (?:users?|accounts?|people|owners?))\b/;
const OWNS = /\b(?:own|owns|owned|owning|owners?|belong\w*|still (?:has|have|hold\w*))\b/;
/** A hand-over or a what-if is another request ("hand over what leavers own to Lynne", "what if Lee leaves"). */
const NOT_A_REPORT = /\b(?:hand\w*|transfer\w*|reassign\w*|move|give|if|when)\b/;

const BOT_DID =
  /\b(?:what (?:have|has|did) (?:you|u|the bot|this bot|connection ops) (?:done|did|do|changed?|been doing)|(?:your|the bot'?s?|bot) (?:own )?(?:actions|history|record|activity|activities|log|changes)|(?:history|record|log) of (?:what )?(?:you|your|the bot)\b)/;

const CANCEL =
  /^(?:(?:ok|okay|oh|no|nah|actually|hmm|sorry|wait|um|uh)[\s,.!]*)*(?:never ?mind|nvm|forget (?:it|that|this|about it|about that)|cancel (?:it|that|this)|scratch that|ignore (?:that|this|me)|disregard(?: that| this)?)(?:[\s,.!]*(?:thanks|thank you|thx|ty|please|pls|sorry))*[\s.!]*$/;

/**
 * The plain ask of a message, or undefined. `text` is the message lower-cased as typed, `meant` its words as read
 * (synonyms, typos), `namesOwn` whether it names a flow, app, person or solution of the tenant.
 */
export function plainAsk(text: string, meant: string, namesOwn: boolean): PlainAsk | undefined {
  if (CANCEL.test(text.trim())) return 'nothingToDo';
  if (namesOwn) return undefined;
  const either = (re: RegExp) => re.test(text) || re.test(meant);
  if (either(BOT_DID)) return 'audit';
  if (either(LEFT) && either(OWNS) && !either(NOT_A_REPORT)) return 'healthReport';
  if (either(MINE) && either(IN_TROUBLE) && !either(NAMES_A_KIND)) return 'showMyConnections';
  return undefined;
}
