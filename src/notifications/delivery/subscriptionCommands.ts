/**
 * The chat commands about who hears what: "keep me posted" (with the person's own thresholds), "no more alerts",
 * and an admin subscribing a channel to the tenant digest.
 */
import type { Caller } from '../../access/caller';
import { textReply, type Reply } from '../../cards/reply';
import type { DomainContext } from '../../context';
import type { Subscriptions } from './subscriptions';

export function parseThresholds(input: number[]): number[] | undefined {
  const days = [...new Set(input.filter((d) => Number.isInteger(d) && d >= 0 && d <= 365))].sort((a, b) => b - a);
  return days.length ? days : undefined;
}

function listDays(days: number[]): string {
  return days.length === 1 ? `${days[0]}` : `${days.slice(0, -1).join(', ')} and ${days[days.length - 1]}`;
}

export class SubscriptionCommands {
  constructor(
    private readonly ctx: Pick<DomainContext, 'access' | 'clock' | 'config'>,
    private readonly subscriptions: Subscriptions,
  ) {}

  async subscribe(caller: Caller, options: { thresholds?: number[] } = {}): Promise<Reply> {
    if (!this.ctx.access.sameTenant(caller)) return textReply('I can only notify people of this organisation.');
    const thresholds = options.thresholds ? parseThresholds(options.thresholds) : undefined;
    if (options.thresholds && !thresholds) {
      return textReply('Tell me whole days between 0 and 365, for example "notify me 30, 7 and 1 days before".');
    }
    await this.subscriptions.setUser(caller.userId, { active: true, thresholds }, this.ctx.clock.now());
    const days =
      thresholds ??
      (await this.subscriptions.getUser(caller.userId))?.thresholds ??
      this.ctx.config.EXPIRY_THRESHOLDS_DAYS;
    const admin = await this.ctx.access.isAdmin(caller);
    const what = admin
      ? 'the tenant digest'
      : 'credentials of apps you own, and connections or flows of yours that break';
    return textReply(
      `Subscribed: you will hear about ${what}, ${listDays(days)} days before an expiry, once per step.`,
    );
  }

  async unsubscribe(caller: Caller): Promise<Reply> {
    await this.subscriptions.setUser(caller.userId, { active: false }, this.ctx.clock.now());
    return textReply('Unsubscribed: I will not send you digests or notes any more. Say "subscribe" to start again.');
  }

  async subscribeChannel(caller: Caller, conversationKey: string): Promise<Reply> {
    if (!(await this.ctx.access.isAdmin(caller))) {
      return textReply('Only Power Platform admins can subscribe a channel to the tenant digest.');
    }
    await this.subscriptions.setChannel(conversationKey, caller.userId, this.ctx.clock.now());
    return textReply('This channel now receives the tenant digest after each scan.');
  }
}
