/**
 * Digest fan-out: N digests (default 2,000) to N conversations through the persistent outbox (real SQLite), the
 * Teams limits enforced before sending, into a loopback connector that enforces the same limits on its side and
 * answers 429 beyond them. Figures: wall time next to the floor the limits imply (tenant-wide 50/s: the first 50
 * go at once, then 50 per second), 429s received, lost and duplicated. DELIVERY_BENCH_DIGESTS overrides N.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../src/connections/findings';
import { configureLogging } from '../src/logging/logger';
import { DeliveryOutbox } from '../src/notifications/delivery/deliveryOutbox';
import { buildDigest, digestReply } from '../src/notifications/delivery/digest';
import { NotificationLedger } from '../src/notifications/delivery/ledger';
import { Subscriptions } from '../src/notifications/delivery/subscriptions';
import { TENANT_LIMITS, teamsRateLimiter } from '../src/notifications/delivery/teamsRateLimits';
import { openSqliteStore } from '../src/store/sqlite/openSqliteStore';
import { LimitEnforcingSink } from '../test/support/limitEnforcingSink';

const DIGESTS = Number(process.env.DELIVERY_BENCH_DIGESTS ?? 2_000);

function sampleDigest(i: number) {
  const findings: Finding[] = Array.from({ length: 5 }, (_, k) => ({
    id: `credential-expiring:app${i}-${k}:key`,
    kind: 'credential-expiring',
    severity: k === 0 ? 'high' : 'medium',
    subject: `App ${i}-${k}`,
    daysLeft: 7 + k,
    why: `Its secret expires in ${7 + k} days. 2 connections sign in with this app and will fail.`,
    action: { title: 'Rotate', verb: 'rotation.request', data: { appObjectId: `obj-${i}-${k}` } },
  }));
  const diff = {
    recipient: `conversation:${i}`,
    changes: findings.map((finding) => ({ finding, change: 'new' as const, stage: 'within:30' as const })),
    unchanged: [],
    resolved: [],
    writes: [],
    deletes: [],
  };
  return digestReply(buildDigest({ id: `bench|${i}`, diff, audience: 'tenant', partial: [] }));
}

export async function run(): Promise<{ figures: Record<string, number | string> }> {
  configureLogging({ level: 'silent' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-delivery-'));
  const store = openSqliteStore({ file: path.join(dir, 'store.sqlite') });
  try {
    const sink = new LimitEnforcingSink();
    const outbox = new DeliveryOutbox({
      records: store.records,
      audit: store.audit,
      leases: store.leases,
      ledger: new NotificationLedger(store.records),
      subscriptions: new Subscriptions(store.records),
      delivery: sink,
      limiter: teamsRateLimiter(),
    });
    const queuedAt = Date.now();
    for (let i = 0; i < DIGESTS; i++) {
      await outbox.enqueue({
        scanId: 'bench',
        recipient: `conversation:${i}`,
        target: { conversationKey: `conversation:${i}` },
        reply: sampleDigest(i),
      });
    }
    const queueMs = Date.now() - queuedAt;
    const started = Date.now();
    const report = await outbox.drain();
    const seconds = (Date.now() - started) / 1000;
    const perSecond = TENANT_LIMITS[0].limit;
    const floor = Math.max(0, Math.ceil(DIGESTS / perSecond) - 1);
    let lost = 0;
    let duplicated = 0;
    for (let i = 0; i < DIGESTS; i++) {
      const got = sink.received.get(`conversation:${i}`)?.length ?? 0;
      if (got === 0) lost++;
      if (got > 1) duplicated += got - 1;
    }
    return {
      figures: {
        digests: DIGESTS,
        conversations: DIGESTS,
        'queueing into the outbox s': (queueMs / 1000).toFixed(1),
        'delivery wall time s': seconds.toFixed(1),
        'floor implied by the limits s': floor,
        'ratio to floor': floor > 0 ? (seconds / floor).toFixed(2) : 'n/a',
        '429 received': sink.throttledCount,
        sent: report.sent,
        lost,
        duplicated,
      },
    };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void run().then((r) => console.log(JSON.stringify(r, null, 2)));
