/**
 * Two instances' outboxes (each with its own Teams limiter, as two processes have) on one real store — one SQLite
 * file opened twice, and one Azurite — sending to one loopback Teams that answers 429 beyond Teams' limits and
 * records when each message arrived. Only the holder of the `outbox-sender` lease sends, so the limits hold for the
 * bot as a whole; when the holder freezes mid-drain (its sends and its lease calls never answer, its lease is never
 * released) the other instance takes over and delivers the rest: nothing lost, nothing sent twice.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DeliveryOutbox } from '../../../src/notifications/delivery/deliveryOutbox';
import { targetKey, type DeliveryPort } from '../../../src/notifications/delivery/deliveryPort';
import { NotificationLedger } from '../../../src/notifications/delivery/ledger';
import type { Window } from '../../../src/notifications/delivery/slidingWindowLimiter';
import { Subscriptions } from '../../../src/notifications/delivery/subscriptions';
import {
  PER_CONVERSATION_LIMITS,
  TENANT_LIMITS,
  teamsRateLimiter,
} from '../../../src/notifications/delivery/teamsRateLimits';
import type { LeaseStore, Store } from '../../../src/store/ports';
import { openAzureStore } from '../../../src/store/azure/openAzureStore';
import { openSqliteStore } from '../../../src/store/sqlite/openSqliteStore';
import { startAzurite, type RunningAzurite } from '../../support/azurite';
import { LimitEnforcingSink } from '../../support/limitEnforcingSink';
import { waitFor } from '../../support/waitFor';

interface Arrival {
  key: string;
  at: number;
  by: string;
  text: string;
}

/**
 * The one Teams every instance sends to: Teams' limits on its side (429 beyond them), when each request came (what
 * the limits are about: refused ones too) and which messages it accepted.
 */
class LoopbackTeams {
  readonly sink = new LimitEnforcingSink();
  readonly requests: Arrival[] = [];
  readonly arrivals: Arrival[] = [];

  /** One instance's way to it; `freeze()` makes that instance's sends never answer (and never arrive). */
  portFor(by: string, frozen: () => boolean): DeliveryPort {
    return {
      deliver: async (target, reply, cardKey) => {
        if (frozen()) return new Promise(() => undefined);
        const request = { key: targetKey(target), at: Date.now(), by, text: reply.text ?? '' };
        this.requests.push(request);
        const outcome = await this.sink.deliver(target, reply, cardKey);
        if (outcome.outcome === 'sent') this.arrivals.push(request);
        return outcome;
      },
    };
  }
}

interface Instance {
  name: string;
  outbox: DeliveryOutbox;
  /** From now on its sends and its lease calls never answer: a process that froze or died mid-drain. */
  freeze(): void;
  readonly frozen: boolean;
}

function instanceOn(
  store: Store,
  teams: LoopbackTeams,
  name: string,
  options: { senderLeaseMs?: number; claimMs?: number } = {},
): Instance {
  let frozen = false;
  const hang = () => new Promise<never>(() => undefined);
  const leases: LeaseStore = {
    acquire: (...args) => (frozen ? hang() : store.leases.acquire(...args)),
    renew: (...args) => (frozen ? hang() : store.leases.renew(...args)),
    release: (...args) => (frozen ? hang() : store.leases.release(...args)),
  };
  const outbox = new DeliveryOutbox({
    records: store.records,
    audit: store.audit,
    leases,
    ledger: new NotificationLedger(store.records),
    subscriptions: new Subscriptions(store.records),
    delivery: teams.portFor(name, () => frozen),
    limiter: teamsRateLimiter(),
    senderRetryMs: 200,
    ...options,
  });
  return {
    name,
    outbox,
    freeze: () => (frozen = true),
    get frozen() {
      return frozen;
    },
  };
}

/** Every way `times` breaks a window: more than `limit` arrivals within less than `perMs`. */
function overLimits(times: number[], windows: Window[]): string[] {
  const sorted = [...times].sort((a, b) => a - b);
  const out: string[] = [];
  for (const w of windows) {
    for (let i = 0; i + w.limit < sorted.length; i++) {
      const span = sorted[i + w.limit] - sorted[i];
      if (span < w.perMs) out.push(`${w.limit + 1} sends within ${span} ms (limit ${w.limit} per ${w.perMs} ms)`);
    }
  }
  return out;
}

/** What the bot as a whole sent, whichever instance sent it, kept to every window (so Teams refused nothing). */
function expectWithinTeamsLimits(teams: LoopbackTeams): void {
  const byKey = new Map<string, number[]>();
  for (const r of teams.requests) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.at]);
  for (const [key, times] of byKey)
    expect({ key, over: overLimits(times, PER_CONVERSATION_LIMITS) }).toEqual({ key, over: [] });
  expect(
    overLimits(
      teams.requests.map((r) => r.at),
      TENANT_LIMITS,
    ),
  ).toEqual([]);
  expect(teams.sink.throttledCount).toBe(0);
}

/** Notes to one person (one conversation), and digests to `conversations` others, queued alternately on both. */
async function queueBurst(instances: Instance[], notesToOne: number, conversations: number): Promise<string[]> {
  const expected: string[] = [];
  for (let i = 0; i < Math.max(notesToOne, conversations); i++) {
    const on = instances[i % instances.length].outbox;
    if (i < notesToOne) {
      await on.enqueueNotifications([{ toUserId: 'megan', reply: { text: `note ${i}`, cards: [] } }]);
      expected.push(`user:megan|note ${i}`);
    }
    if (i < conversations) {
      const target = { conversationKey: `conversation:${i}` };
      await on.enqueue({
        scanId: 'scan1',
        recipient: target.conversationKey,
        target,
        reply: { text: `digest ${i}`, cards: [] },
      });
      expected.push(`conversation:${i}|digest ${i}`);
    }
  }
  return expected.sort();
}

const delivered = (teams: LoopbackTeams) => teams.arrivals.map((a) => `${a.key}|${a.text}`).sort();

/** `openTwo` opens one new store twice: two instances' connections to it. */
function senderSuite(kind: string, openTwo: () => Promise<[Store, Store]>, takeoverLeaseMs: number): void {
  describe(`two instances on one ${kind} store`, () => {
    const stores: Store[] = [];
    let instances: Instance[] = [];
    afterEach(async () => {
      // A frozen instance's drain never ends (its sends never answer): only the others are stopped.
      await Promise.all(instances.filter((i) => !i.frozen).map((i) => i.outbox.stop()));
      instances = [];
      for (const store of stores.splice(0)) await store.close();
    });

    it("deliver everything exactly once, from one sender, and within Teams' limits in every window", async () => {
      const teams = new LoopbackTeams();
      const [a, b] = await openTwo();
      stores.push(a, b);
      instances = [instanceOn(a, teams, 'a'), instanceOn(b, teams, 'b')];
      for (const i of instances) i.outbox.start();
      // 24 notes to one person (beyond 7 per second and 8 per 2 s) and 150 digests (beyond 50 per second).
      const expected = await queueBurst(instances, 24, 150);
      await waitFor(() => teams.arrivals.length >= expected.length, { timeoutMs: 60_000, what: 'every message' });
      await new Promise((resolve) => setTimeout(resolve, 500)); // nothing more arrives
      expect(delivered(teams)).toEqual(expected);
      expectWithinTeamsLimits(teams);
      // One instance sent everything, whichever queued it.
      expect(new Set(teams.arrivals.map((x) => x.by)).size).toBe(1);
      const sender = instances.find((i) => i.name === teams.arrivals[0].by)!;
      const other = instances.find((i) => i !== sender)!;
      expect(sender.outbox.sending).toBe(true);
      expect(other.outbox.sending).toBe(false);

      // What the other instance queues (an approval card update) still goes out promptly.
      const queuedAt = Date.now();
      await other.outbox.enqueueNotifications([
        { toUserId: 'adele', cardKey: 'approval:1', reply: { text: 'done', cards: [] } },
      ]);
      await waitFor(() => teams.arrivals.some((x) => x.key === 'user:adele'), {
        timeoutMs: 10_000,
        what: 'the update',
      });
      expect(teams.arrivals.find((x) => x.key === 'user:adele')!.at - queuedAt).toBeLessThan(2_500);
      expect(await sender.outbox.pending()).toEqual([]);
    }, 90_000);

    it('hand over to the other instance when the sender freezes mid-drain: nothing lost, nothing twice', async () => {
      const teams = new LoopbackTeams();
      const [a, b] = await openTwo();
      stores.push(a, b);
      const options = { senderLeaseMs: takeoverLeaseMs, claimMs: 2_000 };
      instances = [instanceOn(a, teams, 'a', options), instanceOn(b, teams, 'b', options)];
      for (const i of instances) i.outbox.start();
      const expected = await queueBurst(instances, 30, 100);
      // Mid-drain, while the busy conversation is at its limit (7 per second, 8 per 2 s).
      await waitFor(() => teams.arrivals.filter((x) => x.key === 'user:megan').length >= 12, {
        timeoutMs: 30_000,
        what: 'the drain to be under way',
      });
      const holder = instances.find((i) => i.outbox.sending)!;
      const survivor = instances.find((i) => i !== holder)!;
      holder.freeze();
      const frozenAt = Date.now();
      const before = teams.arrivals.length;
      expect(before).toBeLessThan(expected.length);

      await waitFor(() => teams.arrivals.length >= expected.length, {
        timeoutMs: takeoverLeaseMs + 60_000,
        what: 'the other instance to deliver the rest',
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(delivered(teams)).toEqual(expected);
      const after = teams.arrivals.filter((x) => x.at > frozenAt);
      expect(after.length).toBeGreaterThan(0);
      expect(after.every((x) => x.by === survivor.name)).toBe(true);
      expect(survivor.outbox.sending).toBe(true);
      // The limits held across the handover too: the survivor started from the windows the sender left.
      expectWithinTeamsLimits(teams);
      expect(await survivor.outbox.pending()).toEqual([]);
    }, 150_000);

    it('hand the lease and the windows over at once when the sender stops (a deploy, a scale-in)', async () => {
      const teams = new LoopbackTeams();
      const [a, b] = await openTwo();
      stores.push(a, b);
      instances = [instanceOn(a, teams, 'a'), instanceOn(b, teams, 'b')];
      for (const i of instances) i.outbox.start();
      const expected = await queueBurst(instances, 30, 100);
      await waitFor(() => teams.arrivals.filter((x) => x.key === 'user:megan').length >= 12, {
        timeoutMs: 30_000,
        what: 'the drain to be under way',
      });
      const holder = instances.find((i) => i.outbox.sending)!;
      const other = instances.find((i) => i !== holder)!;
      await holder.outbox.stop();
      const stoppedAt = Date.now();
      expect(teams.arrivals.length).toBeLessThan(expected.length);

      await waitFor(() => teams.arrivals.length >= expected.length, { timeoutMs: 60_000, what: 'the rest' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(delivered(teams)).toEqual(expected);
      // The other instance took over at once (the lease was released), and went on where the windows were.
      const next = teams.arrivals.find((x) => x.at >= stoppedAt)!;
      expect(next.by).toBe(other.name);
      expect(next.at - stoppedAt).toBeLessThan(2_500);
      expectWithinTeamsLimits(teams);
    }, 90_000);
  });
}

const dirs: string[] = [];
let azurite: RunningAzurite | undefined;
afterAll(async () => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  await azurite?.stop();
});

senderSuite(
  'sqlite',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sender-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.sqlite');
    return [openSqliteStore({ file }), openSqliteStore({ file })];
  },
  3_000,
);

senderSuite(
  'azure',
  async () => {
    azurite ??= await startAzurite();
    const options = { connectionString: azurite.connectionString, namePrefix: `s${randomBytes(4).toString('hex')}` };
    return [await openAzureStore(options), await openAzureStore(options)];
  },
  // Blob leases last at least 15 s.
  15_000,
);
