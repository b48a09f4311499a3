import { backoffMs, defaultRetryPolicy, retryAfterMs } from '../../src/clients/retryPolicy';

describe('retryAfterMs', () => {
  it('reads Retry-After in seconds', () => {
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
  });

  it('reads Retry-After as an HTTP date relative to now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
  });

  it('prefers the millisecond hint Azure services send', () => {
    expect(retryAfterMs({ 'retry-after': '10', 'x-ms-retry-after-ms': '150' })).toBe(150);
  });

  it('answers undefined without a usable hint', () => {
    expect(retryAfterMs({})).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('grows exponentially within [cap/2, cap] and stops at the maximum', () => {
    const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(1, policy, () => 0)).toBe(50);
    expect(backoffMs(1, policy, () => 1)).toBe(100);
    expect(backoffMs(3, policy, () => 1)).toBe(400);
    expect(backoffMs(10, policy, () => 1)).toBe(1000);
  });
});
