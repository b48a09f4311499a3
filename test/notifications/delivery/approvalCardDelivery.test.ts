/**
 * Approval cards and their updates go through the persistent outbox like digests: under a burst they wait for
 * Teams' limits (or a 429's Retry-After) instead of being dropped, a newer version of a person's card replaces
 * the pending older one (so the last word is always the latest state), and a version replaced while it is being
 * sent is followed by the newer one. The channel is LimitEnforcingSink: it answers 429 beyond Teams' limits.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Notification, Reply } from '../../../src/cards/reply';
import { DeliveryOutbox } from '../../../src/notifications/delivery/deliveryOutbox';
import type { DeliveryOutcome, DeliveryPort, DeliveryTarget } from '../../../src/notifications/delivery/deliveryPort';
import { NotificationLedger } from '../../../src/notifications/delivery/ledger';
import { SlidingWindowLimiter } from '../../../src/notifications/delivery/slidingWindowLimiter';
import { Subscriptions } from '../../../src/notifications/delivery/subscriptions';
import { teamsRateLimiter } from '../../../src/notifications/delivery/teamsRateLimits';
import type { Store } from '../../../src/store/ports';
import { openSqliteStore } from '../../../src/store/sqlite/openSqliteStore';
import { LimitEnforcingSink } from '../../support/limitEnforcingSink';

const ADMINS = ['alex', 'isaiah'];
const REQUESTER = 'adele';
const APPROVALS = 12;

const card = (approval: number, state: string): Reply => ({
  cards: [{ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: `request ${approval}: ${state}` }] }],
});

/** What one approval sends over its life: the card to each admin and the requester, "running…", "done", a note. */
function lifeOf(approval: number, state: 'pending' | 'running…' | 'done'): Notification[] {
  const cardKey = `approval:${approval}`;
  const copies = [...ADMINS, REQUESTER].map((toUserId) => ({ toUserId, cardKey, reply: card(approval, state) }));
  if (state !== 'done') return copies;
  return [...copies, { toUserId: REQUESTER, reply: { text: `Your request ${approval}: done`, cards: [] } }];
}

function outboxOn(store: Store, delivery: DeliveryPort, limiter: SlidingWindowLimiter): DeliveryOutbox {
  return new DeliveryOutbox({
    records: store.records,
    audit: store.audit,
    leases: store.leases,
    ledger: new NotificationLedger(store.records),
    subscriptions: new Subscriptions(store.records),
    delivery,
    limiter,
  });
}

const shows = (reply: Reply | undefined): string => JSON.stringify(reply?.cards ?? []);

describe('approval card updates', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cards-'));
    store = openSqliteStore({ file: path.join(dir, 'store.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("wait for Teams' limits instead of being dropped: every copy ends final, every note arrives once", async () => {
    const sink = new LimitEnforcingSink();
    const outbox = outboxOn(store, sink, teamsRateLimiter());
    // A burst: every approval's card, then (before anything could be sent) its running and done updates and notes.
    for (let i = 0; i < APPROVALS; i++) await outbox.enqueueNotifications(lifeOf(i, 'pending'));
    for (let i = 0; i < APPROVALS; i++) await outbox.enqueueNotifications(lifeOf(i, 'running…'));
    for (let i = 0; i < APPROVALS; i++) await outbox.enqueueNotifications(lifeOf(i, 'done'));
    const report = await outbox.drain();

    for (let i = 0; i < APPROVALS; i++) {
      for (const person of [...ADMINS, REQUESTER]) {
        expect(shows(sink.cards.get(`user:${person}|approval:${i}`))).toContain(`request ${i}: done`);
      }
    }
    // The updates coalesced: one version per copy reached the channel (the latest), not three.
    for (const admin of ADMINS) expect(sink.received.get(`user:${admin}`)).toHaveLength(APPROVALS);
    const notes = (sink.received.get(`user:${REQUESTER}`) ?? []).filter((r) => r.text);
    expect(notes.map((r) => r.text).sort()).toEqual(
      Array.from({ length: APPROVALS }, (_, i) => `Your request ${i}: done`).sort(),
    );
    // The outbox kept inside the limits itself: nothing was refused, nothing failed, nothing is left.
    expect(sink.throttledCount).toBe(0);
    expect(report).toMatchObject({ failed: 0, gone: 0 });
    expect(await outbox.pending()).toHaveLength(0);
  }, 30_000);

  it('are retried after a 429 (Retry-After) when the channel refuses them, and never lost', async () => {
    const sink = new LimitEnforcingSink();
    // An outbox that does not know Teams' limits: the channel refuses what goes beyond them with 429.
    const outbox = outboxOn(store, sink, new SlidingWindowLimiter({ perKey: [], global: [] }));
    for (let i = 0; i < APPROVALS; i++) await outbox.enqueueNotifications(lifeOf(i, 'done'));
    const report = await outbox.drain();

    expect(sink.throttledCount).toBeGreaterThan(0);
    expect(report.throttled).toBe(sink.throttledCount);
    expect(report.sent).toBe(APPROVALS * 4);
    for (let i = 0; i < APPROVALS; i++) {
      for (const person of [...ADMINS, REQUESTER]) {
        expect(shows(sink.cards.get(`user:${person}|approval:${i}`))).toContain(`request ${i}: done`);
      }
    }
    expect(await outbox.pending()).toHaveLength(0);
  }, 30_000);

  it('replaced while the older version is being sent: the newer one is sent after it, and stays the last word', async () => {
    const sink = new LimitEnforcingSink();
    let release: () => void = () => undefined;
    const sending = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const slow: DeliveryPort = {
      deliver: async (target: DeliveryTarget, reply: Reply, cardKey?: string): Promise<DeliveryOutcome> => {
        if (shows(reply).includes('running…')) {
          started();
          await sending; // the channel is slow to answer this one
        }
        return sink.deliver(target, reply, cardKey);
      },
    };
    const outbox = outboxOn(store, slow, teamsRateLimiter());
    const alexOnly = (state: 'running…' | 'done') => lifeOf(1, state).filter((n) => n.toUserId === 'alex');
    await outbox.enqueueNotifications(alexOnly('running…'));
    const drained = outbox.drain();
    await inFlight;
    await outbox.enqueueNotifications(alexOnly('done')); // the job finished while "running…" was on its way
    release();
    await drained;

    expect((sink.received.get('user:alex') ?? []).map(shows)).toEqual([
      shows(card(1, 'running…')),
      shows(card(1, 'done')),
    ]);
    expect(shows(sink.cards.get('user:alex|approval:1'))).toContain('request 1: done');
    expect(await outbox.pending()).toHaveLength(0);
  });
});
