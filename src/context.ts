/**
 * Everything a domain service needs, built once by the composition root (src/compose.ts) and passed down.
 * Domain folders take this (or the parts they need) instead of importing clients or store drivers.
 */
import type { AccessPolicy } from './access/accessPolicy';
import type { Notification } from './cards/reply';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Store } from './store/ports';
import type { TenantPorts } from './tenant/ports';

/**
 * Messages to people other than the caller (approvers, requesters, admins). The composition root implements it
 * with the notifications outbox: send() queues them persistently and starts delivering at once, without waiting
 * for the delivery (which may have to wait for Teams' rate limits); they are never sent from inside a turn.
 */
export interface Notifier {
  send(notifications: Notification[]): Promise<void>;
}

export interface DomainContext {
  config: Config;
  tenant: TenantPorts;
  store: Store;
  access: AccessPolicy;
  clock: Clock;
  notifier: Notifier;
}
