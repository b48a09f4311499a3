/**
 * Where the bot can reach people later: the conversation reference of each user's 1:1 chat and of each channel
 * or group chat the bot is installed in, kept in the store so proactive messages survive restarts and work from
 * any instance. Also remembers which message holds which card for whom, so a card can be updated in place.
 */
import type { ConversationReference } from 'botbuilder';
import type { RecordStore } from '../store/ports';

const REFS = 'conversationRefs';
const CARD_COPIES = 'cardCopies';

export interface CardCopy {
  conversationKey: string;
  activityId: string;
}

/** How long an unchanged reference is not written again (another instance may have removed it meanwhile). */
const UNCHANGED_TTL_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;

export class ConversationReferences {
  /** What this instance last wrote per key: every turn carries the reference, but it rarely changes. */
  private readonly written = new Map<string, { json: string; at: number }>();

  /**
   * `acceptServiceUrl` decides which references are worth keeping: a reference's serviceUrl is where every later
   * proactive message and card update goes, so the server keeps only those it trusts (see server.ts).
   */
  constructor(
    private readonly records: RecordStore,
    private readonly acceptServiceUrl: (serviceUrl: unknown) => boolean = () => true,
  ) {}

  static userKey(userId: string): string {
    return `user:${userId}`;
  }

  static conversationKey(conversationId: string): string {
    return `conversation:${conversationId}`;
  }

  async save(key: string, reference: Partial<ConversationReference>): Promise<void> {
    if (!this.acceptServiceUrl(reference.serviceUrl)) return;
    const json = JSON.stringify(reference);
    const last = this.written.get(key);
    const now = Date.now();
    if (last && last.json === json && now - last.at < UNCHANGED_TTL_MS) return;
    await this.records.put(REFS, key, reference);
    if (this.written.size >= MAX_REMEMBERED) this.written.delete(this.written.keys().next().value as string);
    this.written.set(key, { json, at: now });
  }

  async get(key: string): Promise<Partial<ConversationReference> | undefined> {
    return (await this.records.get<Partial<ConversationReference>>(REFS, key))?.value;
  }

  async remove(key: string): Promise<void> {
    this.written.delete(key);
    await this.records.delete(REFS, key);
  }

  /** Any stored reference: its serviceUrl lets the bot open a new 1:1 chat in the same tenant. */
  async any(): Promise<Partial<ConversationReference> | undefined> {
    for await (const record of this.records.list<Partial<ConversationReference>>(REFS, { limit: 1 }))
      return record.value;
    return undefined;
  }

  async all(prefix?: string): Promise<{ key: string; reference: Partial<ConversationReference> }[]> {
    const out: { key: string; reference: Partial<ConversationReference> }[] = [];
    for await (const r of this.records.list<Partial<ConversationReference>>(REFS, { prefix })) {
      out.push({ key: r.key, reference: r.value });
    }
    return out;
  }

  async saveCardCopy(cardKey: string, userId: string, copy: CardCopy): Promise<void> {
    await this.records.put(CARD_COPIES, `${cardKey}|${userId}`, copy);
  }

  async getCardCopy(cardKey: string, userId: string): Promise<CardCopy | undefined> {
    return (await this.records.get<CardCopy>(CARD_COPIES, `${cardKey}|${userId}`))?.value;
  }
}
