import { SlidingWindowLimiter } from '../../../src/notifications/delivery/slidingWindowLimiter';
import { teamsRateLimiter } from '../../../src/notifications/delivery/teamsRateLimits';

describe('sliding-window rate limits, checked before sending', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('admits 7 messages a second to one conversation and says how long the 8th must wait', () => {
    const limiter = teamsRateLimiter({ now: clock, safetyMarginMs: 0 });
    for (let i = 0; i < 7; i++) expect(limiter.tryAcquire('conversation:a')).toBe(0);
    expect(limiter.tryAcquire('conversation:a')).toBe(1000);
    now += 1000;
    expect(limiter.tryAcquire('conversation:a')).toBe(0);
  });

  it('holds one conversation to 8 per 2 seconds and 60 per 30 seconds', () => {
    const limiter = teamsRateLimiter({ now: clock, safetyMarginMs: 0 });
    let admitted = 0;
    for (let step = 0; step < 300; step++) {
      while (limiter.tryAcquire('conversation:a') === 0) admitted++;
      now += 100;
    }
    // 30 s of asking as fast as allowed: never more than the 60-per-30-s window.
    expect(admitted).toBeLessThanOrEqual(60);
    expect(admitted).toBeGreaterThanOrEqual(59);
  });

  it('shares 50 per second across all conversations without blocking a quiet one behind a busy one', () => {
    const limiter = teamsRateLimiter({ now: clock, safetyMarginMs: 0 });
    let admitted = 0;
    for (let i = 0; i < 200; i++) if (limiter.tryAcquire(`conversation:${i}`) === 0) admitted++;
    expect(admitted).toBe(50);
    now += 1000;
    expect(limiter.tryAcquire('conversation:quiet')).toBe(0);
  });

  it('pauses a conversation after a 429 until Retry-After has passed', () => {
    const limiter = new SlidingWindowLimiter({ perKey: [{ limit: 100, perMs: 1000 }], global: [], now: clock });
    limiter.pause('conversation:a', now + 3000);
    expect(limiter.tryAcquire('conversation:a')).toBe(3000);
    expect(limiter.tryAcquire('conversation:b')).toBe(0);
    now += 3000;
    expect(limiter.tryAcquire('conversation:a')).toBe(0);
  });

  it('counts a send from when it left, not from its admission, so a slow claim cannot bunch sends up', () => {
    const limiter = new SlidingWindowLimiter({ perKey: [{ limit: 1, perMs: 1000 }], global: [], now: clock });
    expect(limiter.tryAcquire('conversation:a')).toBe(0);
    now += 300; // admitted at once, but the claim took 300 ms before it left
    limiter.markSent('conversation:a');
    now += 700;
    // A second after the admission but 700 ms after the send: the next one waits the 300 ms that are missing.
    expect(limiter.tryAcquire('conversation:a')).toBe(300);
    // …and the tenant-wide window counts it from when it left too.
    const tenant = new SlidingWindowLimiter({ perKey: [], global: [{ limit: 2, perMs: 1000 }], now: clock });
    expect(tenant.tryAcquire('x')).toBe(0);
    now += 500;
    expect(tenant.tryAcquire('y')).toBe(0);
    now += 400;
    tenant.markSent('y');
    now += 200; // 1,100 ms after x, 200 ms after y actually left: one slot is free
    expect(tenant.tryAcquire('z')).toBe(0);
    now += 700; // 900 ms after y left: still counted
    expect(tenant.tryAcquire('w')).toBe(100);
  });

  it("starts from another limiter's snapshot (the sender before it), without counting a send twice", () => {
    const first = teamsRateLimiter({ now: clock, safetyMarginMs: 0 });
    for (let i = 0; i < 7; i++) expect(first.tryAcquire('conversation:a')).toBe(0);
    first.pause('conversation:b', now + 5_000);
    const handedOver = first.snapshot();
    now += 400;
    const next = teamsRateLimiter({ now: clock, safetyMarginMs: 0 });
    next.absorb(handedOver);
    expect(next.tryAcquire('conversation:a')).toBe(600); // 7 per second, counted from the first one's sends
    expect(next.tryAcquire('conversation:b')).toBe(4_600); // still paused after its 429
    // Absorbing again what it already knows (its own snapshot, read back) changes nothing.
    next.absorb(next.snapshot());
    next.absorb(handedOver);
    now += 600;
    expect(next.tryAcquire('conversation:a')).toBe(0);
    expect(next.tryAcquire('conversation:a')).toBeGreaterThan(0); // 8 per 2 s: the 7 before and this one
  });
});
