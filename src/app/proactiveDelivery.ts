/**
 * The notifications outbox's way out (digests, approval cards and their updates, notes): a proactive message
 * through the Bot Framework adapter — with a cardKey, an in-place update of the person's copy of that card when
 * they have one — and the channel's answer turned into an outcome the outbox can act on: 429 → wait Retry-After,
 * 403/404 or no way to reach the person → gone, 5xx and network errors → try again later.
 */
import type { Reply } from '../cards/reply';
import type { DeliveryOutcome, DeliveryPort, DeliveryTarget } from '../notifications/delivery/deliveryPort';
import type { ProactiveNotifier } from './proactiveNotifier';

interface ChannelError {
  statusCode?: number;
  status?: number;
  response?: { status?: number; headers?: { get?(name: string): string | null } | Record<string, string> };
  headers?: Record<string, string>;
}

function retryAfterMs(error: ChannelError): number {
  const headers = error.response?.headers;
  const raw =
    (headers && typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | null }).get('retry-after')
      : (headers as Record<string, string> | undefined)?.['retry-after']) ?? error.headers?.['retry-after'];
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}

export class ProactiveDelivery implements DeliveryPort {
  constructor(private readonly notifier: ProactiveNotifier) {}

  async deliver(
    target: DeliveryTarget,
    reply: Reply,
    cardKey?: string,
    sending?: () => void,
  ): Promise<DeliveryOutcome> {
    try {
      const posted = await this.notifier.post(target, reply, cardKey, sending);
      return posted ? { outcome: 'sent' } : { outcome: 'gone' };
    } catch (error) {
      const e = error as ChannelError;
      const status = e.statusCode ?? e.status ?? e.response?.status;
      if (status === 429) return { outcome: 'throttled', retryAfterMs: retryAfterMs(e) };
      if (status === 403 || status === 404) return { outcome: 'gone' };
      return { outcome: 'failed', retryable: status === undefined || status >= 500 || status === 408 };
    }
  }
}
