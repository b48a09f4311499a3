/**
 * Other words people use for the corpus's words: "lapsed" for expired, "scanner" for scan, "re-bind" for rebind,
 * "usable by" for available to. The classifier only knows the words of corpus/intents.json (unknown words count
 * for nothing), so a sentence said with other verbs is read by its filler words alone ("start the scanner" looked
 * like "start", a greeting). Mapping the everyday variants onto the corpus word lets one wording in the corpus stand
 * for its synonyms, instead of the corpus having to list every verb.
 *
 * Only words outside the tenant's names are mapped, and only variants whose meaning does not depend on the sentence
 * (no "change", "need" or "run": they mean too many things). A phrase maps its first word and empties the others,
 * so word positions (which the names are found at) stay as they are.
 */

/** One word → the corpus word it stands for. */
const WORDS: Record<string, string> = {
  lapse: 'expire',
  lapses: 'expires',
  lapsed: 'expired',
  lapsing: 'expiring',
  scanner: 'scan',
  sweep: 'scan',
  rescanning: 'scanning',
  immediately: 'now',
  asap: 'now',
  creds: 'credentials',
  cred: 'credential',
  certs: 'certificates',
  usable: 'available',
  permission: 'access',
  permissions: 'access',
  pinging: 'notifying',
  activity: 'audit',
  investigate: 'troubleshoot',
  rewire: 'repoint',
  rebinding: 'rebind',
  repointing: 'repoint',
  departed: 'left',
  offboard: 'leaving',
  offboarding: 'leaving',
  offboarded: 'left',
  erroring: 'failing',
  errored: 'failed',
  unsub: 'unsubscribe',
  // "app keys" are client secrets; Key Vault is a name ("key", singular, is left alone)
  keys: 'secrets',
  warning: 'alert',
  warnings: 'alerts',
  reload: 'rescan',
};

/** Phrases → the corpus words, as many words as the phrase has (empty strings are dropped by the readers). */
const PHRASES: [string[], string[]][] = [
  [
    ['re', 'bind'],
    ['rebind', ''],
  ],
  [
    ['record', 'of'],
    ['history', 'of'],
  ],
  [
    ['records', 'of'],
    ['history', 'of'],
  ],
  [
    ['re', 'point'],
    ['repoint', ''],
  ],
  [
    ['re', 'check'],
    ['recheck', ''],
  ],
  [
    ['re', 'scan'],
    ['rescan', ''],
  ],
  [
    ['re', 'run'],
    ['run', 'again'],
  ],
  [
    ['right', 'away'],
    ['now', ''],
  ],
  [
    ['swap', 'out'],
    ['replace', ''],
  ],
  [
    ['roll', 'over'],
    ['rotate', ''],
  ],
  [
    ['heads', 'up'],
    ['alert', ''],
  ],
  [
    ['ahead', 'of'],
    ['before', ''],
  ],
  [
    ['end', 'date'],
    ['expiry', ''],
  ],
  [
    ['ending', 'soon'],
    ['expiring', 'soon'],
  ],
  [
    ['notify', 'me', 'if'],
    ['notify', 'me', 'when'],
  ],
  [
    ['alert', 'me', 'if'],
    ['alert', 'me', 'when'],
  ],
  [
    ['warn', 'me', 'if'],
    ['warn', 'me', 'when'],
  ],
  [
    ['know', 'if'],
    ['know', 'when'],
  ],
  [
    ['message', 'me'],
    ['notify', 'me'],
  ],
  [
    ['messaging', 'me'],
    ['notifying', 'me'],
  ],
  // "what is leaning on X", "what hangs off X": what depends on it (one edit from "leaving", which reads as a handover)
  [
    ['leaning', 'on'],
    ['depends', 'on'],
  ],
  [
    ['leans', 'on'],
    ['depends', 'on'],
  ],
  [
    ['hanging', 'off'],
    ['depending', 'on'],
  ],
  [
    ['hangs', 'off'],
    ['depends', 'on'],
  ],
  [
    ['going', 'stale'],
    ['expiring', ''],
  ],
  // "die within 10 days", "dies in a week": expiry said of a secret (bare "die" can mean a flow stopping)
  [
    ['die', 'within'],
    ['expire', 'within'],
  ],
  [
    ['die', 'in'],
    ['expire', 'in'],
  ],
  [
    ['dies', 'within'],
    ['expires', 'within'],
  ],
  [
    ['dies', 'in'],
    ['expires', 'in'],
  ],
  // "Nightly export blew up again": failed
  [
    ['blew', 'up'],
    ['failed', ''],
  ],
  [
    ['blows', 'up'],
    ['fails', ''],
  ],
  [
    ['re', 'read'],
    ['rescan', ''],
  ],
  // "quit messaging me": stop (bare "quit" is a person leaving the company)
  ...['messaging', 'notifying', 'pinging', 'alerting', 'sending', 'spamming'].map((w): [string[], string[]] => [
    ['quit', w],
    ['stop', w === 'messaging' ? 'notifying' : w],
  ]),
  [
    ['switch', 'on'],
    ['turn', 'on'],
  ],
  [
    ['get', 'running'],
    ['turn', 'on'],
  ],
];

/**
 * The words as the corpus says them; `keep(i)` is true for words that are part of a tenant name (never mapped).
 * Returns a new array of the same length.
 */
export function canonicalWords(texts: string[], keep: (i: number) => boolean = () => false): string[] {
  const out = [...texts];
  for (let i = 0; i < out.length; i++) {
    if (keep(i)) continue;
    const phrase = PHRASES.find(
      ([from]) => from.every((w, k) => out[i + k] === w && !keep(i + k)) && i + from.length <= out.length,
    );
    if (phrase) {
      phrase[1].forEach((w, k) => (out[i + k] = w));
      i += phrase[0].length - 1;
      continue;
    }
    out[i] = WORDS[out[i]] ?? out[i];
  }
  return out;
}
