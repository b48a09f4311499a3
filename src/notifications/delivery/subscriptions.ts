/**
 * Who asked to hear what, in the `subscriptions` collection (keys `user:<oid>` and `conversation:<id>`, the same
 * keys src/app stores conversation references under). Admins are subscribed to the tenant digest by default, so
 * for them a record only says "thresholds" or "opted out"; makers are alerted about their own broken things
 * unless they opted out.
 */
import type { RecordStore } from '../../store/ports';

export const SUBSCRIPTIONS = 'subscriptions';

export interface UserSubscription {
  kind: 'user';
  userId: string;
  active: boolean;
  /** Days before an expiry to be told, e.g. [30, 7, 1]; undefined = the configured default. */
  thresholds?: number[];
  updatedAt: string;
}

export interface ChannelSubscription {
  kind: 'channel';
  conversationKey: string;
  active: boolean;
  /** Entra id of the admin who subscribed the channel. */
  subscribedBy: string;
  updatedAt: string;
}

export type Subscription = UserSubscription | ChannelSubscription;

export const userSubscriptionKey = (userId: string): string => `user:${userId.toLowerCase()}`;

export class Subscriptions {
  constructor(private readonly records: RecordStore) {}

  async getUser(userId: string): Promise<UserSubscription | undefined> {
    return (await this.records.get<UserSubscription>(SUBSCRIPTIONS, userSubscriptionKey(userId)))?.value;
  }

  async setUser(userId: string, change: { active: boolean; thresholds?: number[] }, now: Date): Promise<void> {
    const previous = await this.getUser(userId);
    const value: UserSubscription = {
      kind: 'user',
      userId: userId.toLowerCase(),
      active: change.active,
      thresholds: change.thresholds ?? previous?.thresholds,
      updatedAt: now.toISOString(),
    };
    await this.records.put(SUBSCRIPTIONS, userSubscriptionKey(userId), value);
  }

  async setChannel(conversationKey: string, subscribedBy: string, now: Date): Promise<void> {
    const value: ChannelSubscription = {
      kind: 'channel',
      conversationKey,
      active: true,
      subscribedBy,
      updatedAt: now.toISOString(),
    };
    await this.records.put(SUBSCRIPTIONS, conversationKey, value);
  }

  /** After a 403/404 from the channel: the bot was removed from that chat, so stop writing to it. */
  async removeTarget(targetKey: string): Promise<void> {
    await this.records.delete(SUBSCRIPTIONS, targetKey.startsWith('user:') ? targetKey.toLowerCase() : targetKey);
  }

  async all(): Promise<Subscription[]> {
    const out: Subscription[] = [];
    for await (const record of this.records.list<Subscription>(SUBSCRIPTIONS)) out.push(record.value);
    return out;
  }
}
