/**
 * The domain needs a Notifier when it is composed, but the real one needs the bot adapter, which the server or
 * the chat CLI creates afterwards. This relay is handed out first and pointed at the real notifier once it
 * exists; until then notifications are kept (not lost) and delivered on attach.
 */
import type { Notification } from './cards/reply';
import type { Notifier } from './context';

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
