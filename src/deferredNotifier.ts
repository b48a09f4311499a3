/**
 * Late-bound ports. The domain needs a Notifier and the notifications outbox a DeliveryPort when they are composed,
 * but the real ones need the bot adapter, which the server or the chat CLI creates afterwards. These relays are
 * handed out first and pointed at the real thing once it exists. Until then notifications are kept (not lost) and
 * delivered on attach, and deliveries report a retryable failure so the outbox keeps them for later.
 */
import type { Notification } from './cards/reply';
import type { Reply } from './cards/reply';
import type { Notifier } from './context';
import type { DeliveryOutcome, DeliveryPort, DeliveryTarget } from './notifications/deliveryPort';

export class DeferredNotifier implements Notifier {
  private target: Notifier | undefined;
  private readonly pending: Notification[] = [];

  attach(target: Notifier): void {
    this.target = target;
    if (this.pending.length) void target.send(this.pending.splice(0));
  }

  async send(notifications: Notification[]): Promise<void> {
    if (this.target) await this.target.send(notifications);
    else this.pending.push(...notifications);
  }
}

export class DeferredDelivery implements DeliveryPort {
  private target: DeliveryPort | undefined;

  attach(target: DeliveryPort): void {
    this.target = target;
  }

  async deliver(target: DeliveryTarget, reply: Reply): Promise<DeliveryOutcome> {
    return this.target ? this.target.deliver(target, reply) : { outcome: 'failed', retryable: true };
  }
}
