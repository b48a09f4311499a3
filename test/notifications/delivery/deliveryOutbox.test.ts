import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeliveryOutbox } from '../../../src/notifications/delivery/deliveryOutbox';
import { NotificationLedger } from '../../../src/notifications/delivery/ledger';
import { Subscriptions } from '../../../src/notifications/delivery/subscriptions';
import { teamsRateLimiter } from '../../../src/notifications/delivery/teamsRateLimits';
import type { Store } from '../../../src/store/ports';
import { openSqliteStore } from '../../../src/store/sqlite/openSqliteStore';
import { LimitEnforcingSink } from '../../support/limitEnforcingSink';
import { waitFor } from '../../support/waitFor';

function outboxOn(store: Store, sink: LimitEnforcingSink, claimMs = 60_000, senderLeaseMs?: number) {
  return new DeliveryOutbox({
    records: store.records,
    audit: store.audit,
    leases: store.leases,
    ledger: new NotificationLedger(store.records),
    subscriptions: new Subscriptions(store.records),
    delivery: sink,
    limiter: teamsRateLimiter(),
    claimMs,
    senderLeaseMs,
    senderRetryMs: 50,
  });
}

const digest = (n: number) => ({ text: `digest ${n}`, cards: [] });

describe('the delivery outbox', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-'));
    file = path.join(dir, 'store.sqlite');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('delivers every digest once while staying inside Teams limits, and 429s are waited out', async () => {
    const store = openSqliteStore({ file });
    const sink = new LimitEnforcingSink();
    const outbox = outboxOn(store, sink);
    // 60 conversations with one digest each (tenant budget), and 10 digests to one channel (7/s per conversation).
    for (let i = 0; i < 60; i++) {
      await outbox.enqueue({ scanId: 's1', recipient: `user:u${i}`, target: { userId: `u${i}` }, reply: digest(i) });
    }
    for (let i = 0; i < 10; i++) {
      await outbox.enqueue({
        scanId: `s${i}`,
        recipient: 'conversation:busy',
        target: { conversationKey: 'conversation:busy' },
        reply: digest(i),
      });
    }
    // The channel refuses the first attempt for one user with a 429, and fails another transiently once.
    sink.forcedThrottles.set('user:u7', { times: 1, retryAfterMs: 200 });
    sink.transientFailures.set('user:u3', 1);
    const report = await outbox.drain();
    expect(report.throttled).toBeGreaterThanOrEqual(1);
    expect(report.sent).toBe(70);
    expect(sink.total).toBe(70);
    expect(sink.received.get('conversation:busy')).toHaveLength(10);
    for (let i = 0; i < 60; i++) expect(sink.received.get(`user:u${i}`)).toHaveLength(1);
    expect(await outbox.pending()).toHaveLength(0);
    await store.close();
  });

  it('queues a recipient+scan only once and never sends a digest whose receipt exists', async () => {
    const store = openSqliteStore({ file });
    const sink = new LimitEnforcingSink();
    const outbox = outboxOn(store, sink);
    const item = { scanId: 's1', recipient: 'user:a', target: { userId: 'a' }, reply: digest(1) };
    await outbox.enqueue(item);
    await outbox.enqueue(item);
    await outbox.drain();
    await outbox.enqueue(item); // e.g. a scan re-run after a crash re-queues it
    const report = await outbox.drain();
    expect(sink.received.get('user:a')).toHaveLength(1);
    expect(report.skippedDuplicates).toBe(1);
    await store.close();
  });

  it('loses nothing and duplicates nothing when the sending instance dies and a new one takes over', async () => {
    const first = openSqliteStore({ file });
    const sink = new LimitEnforcingSink();
    sink.hangAfter = 12; // the 13th send never answers: the process is gone
    const dying = outboxOn(first, sink, 300, 300);
    for (let i = 0; i < 40; i++) {
      await dying.enqueue({ scanId: 's1', recipient: `user:u${i}`, target: { userId: `u${i}` }, reply: digest(i) });
    }
    void dying.drain();
    // However slow the machine, it sends twelve and then hangs on the thirteenth.
    await waitFor(() => sink.total >= 12, { timeoutMs: 10_000, what: 'the dying sender to send twelve' });
    expect(sink.total).toBe(12);

    // "Restart": a new store connection and outbox on the same SQLite file. The stuck sender stops renewing its
    // lease, so the new one becomes the sender once it has run out; the dead worker's claims expire too.
    sink.hangAfter = undefined;
    const second = openSqliteStore({ file });
    const survivor = outboxOn(second, sink, 300, 300);
    let sent = 0;
    const until = Date.now() + 10_000;
    while (sink.total < 40 && Date.now() < until) {
      sent += (await survivor.drain()).sent;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sent).toBe(28);
    expect(sink.total).toBe(40);
    for (let i = 0; i < 40; i++) expect(sink.received.get(`user:u${i}`)).toHaveLength(1);
    await second.close();
    await first.close();
  });

  it('drops the subscription of a conversation the bot was removed from (403/404)', async () => {
    const store = openSqliteStore({ file });
    const sink = new LimitEnforcingSink();
    const subscriptions = new Subscriptions(store.records);
    await subscriptions.setChannel('conversation:gone', 'admin', new Date());
    sink.gone.add('conversation:gone');
    const outbox = outboxOn(store, sink);
    await outbox.enqueue({
      scanId: 's1',
      recipient: 'conversation:gone',
      target: { conversationKey: 'conversation:gone' },
      reply: digest(1),
    });
    const report = await outbox.drain();
    expect(report.gone).toBe(1);
    expect(await subscriptions.all()).toHaveLength(0);
    expect(await outbox.pending()).toHaveLength(0);
    await store.close();
  });
});
