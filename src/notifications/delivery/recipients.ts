/**
 * Who receives what after a scan. Admins (the admins group) get the tenant digest unless they opted out, with
 * their own thresholds if they chose some; subscribed channels get the tenant digest; anyone else who subscribed
 * gets the findings that concern them (their connections, their flows, their apps); and makers who did not opt
 * out get a personal note when a connection they own breaks or a flow of theirs is at risk.
 */
import type { Finding } from '../../connections/findings';
import type { DeliveryTarget } from './deliveryPort';
import type { Subscription, UserSubscription } from './subscriptions';
import type { TenantScan } from '../scan/tenantScanner';

export interface Recipient {
  /** Ledger and rate-limit key: `user:<oid>` or the conversation key. */
  key: string;
  target: DeliveryTarget;
  audience: 'tenant' | 'maker';
  thresholds: number[];
  findings: Finding[];
}

export function planRecipients(input: {
  adminIds: string[];
  subscriptions: Subscription[];
  scan: Pick<TenantScan, 'findings' | 'stakeholders' | 'makerAlerts'>;
  defaultThresholds: number[];
}): Recipient[] {
  const users = new Map<string, UserSubscription>();
  const channels: string[] = [];
  for (const s of input.subscriptions) {
    if (s.kind === 'user') users.set(s.userId.toLowerCase(), s);
    else if (s.active) channels.push(s.conversationKey);
  }
  const thresholdsOf = (userId: string) => users.get(userId)?.thresholds ?? input.defaultThresholds;
  const optedOut = (userId: string) => users.get(userId)?.active === false;
  const recipients: Recipient[] = [];
  const planned = new Set<string>();

  for (const id of input.adminIds.map((a) => a.toLowerCase())) {
    if (optedOut(id) || planned.has(id)) continue;
    planned.add(id);
    recipients.push({
      key: `user:${id}`,
      target: { userId: id },
      audience: 'tenant',
      thresholds: thresholdsOf(id),
      findings: input.scan.findings,
    });
  }
  for (const conversationKey of channels) {
    recipients.push({
      key: conversationKey,
      target: { conversationKey },
      audience: 'tenant',
      thresholds: input.defaultThresholds,
      findings: input.scan.findings,
    });
  }

  const concerned = new Map<string, Finding[]>();
  const add = (userId: string, finding: Finding) => {
    const list = concerned.get(userId) ?? [];
    if (!list.includes(finding)) list.push(finding);
    concerned.set(userId, list);
  };
  for (const finding of input.scan.findings) {
    for (const id of input.scan.makerAlerts.get(finding.id) ?? []) if (!optedOut(id)) add(id, finding);
    for (const id of input.scan.stakeholders.get(finding.id) ?? []) if (users.get(id)?.active) add(id, finding);
  }
  for (const [id, findings] of concerned) {
    if (planned.has(id)) continue; // admins already see everything in their digest
    recipients.push({
      key: `user:${id}`,
      target: { userId: id },
      audience: 'maker',
      thresholds: thresholdsOf(id),
      findings,
    });
  }
  return recipients;
}
