/**
 * The late-bound DeliveryPort. The notifications outbox needs one when it is composed, but the real one needs the
 * bot adapter, which the server or the chat CLI creates afterwards. This relay is handed out first and pointed at
 * the real thing once it exists; until then it is not ready, so the outbox keeps its items in the store (nothing is
 * lost) and delivers them once attached.
 */
import type { Reply } from './cards/reply';
import type { DeliveryOutcome, DeliveryPort, DeliveryTarget } from './notifications/delivery/deliveryPort';

export class DeferredDelivery implements DeliveryPort {
  private target: DeliveryPort | undefined;

  attach(target: DeliveryPort): void {
    this.target = target;
  }

  ready(): boolean {
    return this.target !== undefined;
  }

  async deliver(
    target: DeliveryTarget,
    reply: Reply,
    cardKey?: string,
    sending?: () => void,
  ): Promise<DeliveryOutcome> {
    return this.target ? this.target.deliver(target, reply, cardKey, sending) : { outcome: 'failed', retryable: true };
  }
}
