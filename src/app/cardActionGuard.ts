/**
 * A card click's `data` comes back from the client as the client chooses to send it: before any lookup, audit or
 * log it must look like what our cards put there. Ids are short tokens (GUIDs, hashes, resource names), names and
 * free text have lengths a person types. A click that does not fit is refused without touching the store; the
 * refusal is audited in a bounded form (the verb and what was wrong, never the value), and each person's refused
 * clicks are rate limited, so a script clicking a 60,000-character id a thousand times cannot grow the audit log.
 */
import type { Caller } from '../access/caller';
import { textReply, type Reply } from '../cards/reply';
import type { DomainContext } from '../context';
import { getLogger } from '../logging/logger';

const log = getLogger('app.cards');

const VERB = /^[A-Za-z][A-Za-z0-9.]{0,63}$/;
/**
 * An id is one printable token: GUIDs, base64url hashes, resource names (`shared_office365`), ISO-stamped ids and
 * the digest's `<scan>|conversation:19:…@thread.tacv2` keys. No spaces, quotes, backslashes or markup.
 */
export const CARD_ID = /^[^\s"'<>\\`\p{Cc}]{1,256}$/u;
/** Fields that hold an identifier: any `…Id`, plus these. */
const ID_FIELDS = new Set(['hash', 'connector', 'connectionName', 'verb']);
/**
 * Free text: what a person types into a card (Input.Text), and what a chat.ask button asks (`text`, at most
 * askVerbs.ts's ASK_MAX_CHARS). Teams caps a message at about 28 KB; we keep them short.
 */
const TEXT_FIELDS: Record<string, number> = { justification: 2000, comment: 2000, text: 1000 };
const MAX_STRING = 256;
const MAX_KEYS = 40;

/** What is wrong with the click, naming the field (never its value), or undefined when it looks like ours. */
export function cardActionProblem(verb: string, data: unknown): string | undefined {
  if (!VERB.test(verb)) return 'verb';
  if (data === undefined || data === null) return undefined;
  if (typeof data !== 'object' || Array.isArray(data)) return 'data';
  const entries = Object.entries(data as Record<string, unknown>);
  if (entries.length > MAX_KEYS) return 'data';
  for (const [key, value] of entries) {
    const field = key.length > 64 ? `${key.slice(0, 64)}…` : key;
    if (value === null || value === undefined || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return field;
      continue;
    }
    // teams-ai puts the action's own description under `action`; nothing else of ours is nested.
    if (typeof value === 'object') {
      if (key === 'action') continue;
      return field;
    }
    if (typeof value !== 'string') return field;
    if (key.endsWith('Id') || ID_FIELDS.has(key)) {
      if (value !== '' && !CARD_ID.test(value)) return field;
    } else if (value.length > (TEXT_FIELDS[key] ?? MAX_STRING)) {
      return field;
    }
  }
  return undefined;
}

export interface RefusedClicksOptions {
  /** Audited refusals per person per window; beyond, clicks are refused without an audit entry. */
  perWindow?: number;
  windowMs?: number;
}

/** Refuses malformed clicks: audited (bounded) up to a rate per person, then answered without writing anything. */
export class RefusedClicks {
  private readonly recent = new Map<string, number[]>();
  private readonly perWindow: number;
  private readonly windowMs: number;

  constructor(
    private readonly ctx: Pick<DomainContext, 'store' | 'clock'>,
    options: RefusedClicksOptions = {},
  ) {
    this.perWindow = options.perWindow ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
  }

  async refuse(caller: Caller, verb: string, problem: string): Promise<Reply> {
    const now = this.ctx.clock.now().getTime();
    const times = (this.recent.get(caller.userId) ?? []).filter((t) => now - t < this.windowMs);
    const within = times.length < this.perWindow;
    if (within) times.push(now);
    this.recent.set(caller.userId, times);
    if (this.recent.size > 10_000) this.recent.delete(this.recent.keys().next().value as string);
    const shownVerb = VERB.test(verb) ? verb : 'malformed';
    if (within) {
      await this.ctx.store.audit.append({
        actor: caller.userId,
        action: 'card.refused',
        subject: shownVerb,
        outcome: 'refused',
        details: { reason: 'malformedCardData', field: problem },
      });
      log.info({ caller: caller.userId, verb: shownVerb, field: problem }, 'malformed card click refused');
    }
    return textReply(
      within
        ? 'This card’s data is not valid (it was changed or is damaged), so nothing was done. Ask again for a fresh card.'
        : 'Too many invalid card clicks: nothing was done. Wait a minute, then ask again for a fresh card.',
    );
  }
}
