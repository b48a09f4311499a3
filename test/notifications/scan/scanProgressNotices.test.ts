/**
 * "Scan now" progress in chat: one card per scan, updated in place, throttled to a few updates a minute however
 * often the scanner reports, and always ending with the final state.
 */
import type { Clock } from '../../../src/clock';
import type { ScanProgress } from '../../../src/notifications/scan/scanProgress';
import {
  MIN_INTERVAL_MS,
  scanProgressCardKey,
  ScanProgressNotices,
} from '../../../src/notifications/scan/scanProgressNotices';
import { adaptiveCardProblems } from '../../cards/adaptiveCardProblems';
import { RecordingNotifier } from '../../support/testComposition';

class FixedClock implements Clock {
  constructor(private ms = Date.parse('2026-12-04T08:00:00Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

const reading = (read: number, total = 204, apps = 0): ScanProgress => ({
  phase: 'reading',
  environmentsTotal: total,
  environmentsRead: read,
  appsRead: apps,
  appsComplete: false,
});

test('a burst of reports yields one update; later ones at most one per interval; the final one always', async () => {
  const notifier = new RecordingNotifier();
  const clock = new FixedClock();
  const notices = new ScanProgressNotices(notifier, clock, 'alex-id', 'scan-1');
  // Before the number of environments is known there is nothing worth saying.
  notices.onProgress({ phase: 'reading', environmentsRead: 0, appsRead: 0, appsComplete: false });
  for (let i = 0; i <= 120; i++) notices.onProgress(reading(i, 204, i * 10));
  await notices.flushed();
  expect(notifier.sent.map((n) => n.reply.text)).toEqual(['Reading environments: 0 of 204 · 0 app registrations read']);

  clock.advance(MIN_INTERVAL_MS - 1);
  notices.onProgress(reading(121));
  clock.advance(1);
  notices.onProgress(reading(122, 204, 3_500));
  notices.onProgress(reading(123));
  notices.onProgress({
    phase: 'done',
    environmentsTotal: 204,
    environmentsRead: 204,
    appsRead: 20_000,
    appsComplete: true,
  });
  // Nothing after the final state.
  clock.advance(MIN_INTERVAL_MS);
  notices.onProgress(reading(204));
  await notices.flushed();

  expect(notifier.sent.map((n) => n.reply.text)).toEqual([
    'Reading environments: 0 of 204 · 0 app registrations read',
    'Reading environments: 122 of 204 · 3,500 app registrations read',
    'Tenant scan complete: 204 environments and 20,000 app registrations read.',
  ]);
  // One card, updated in place, for the person who asked.
  expect(new Set(notifier.sent.map((n) => n.cardKey))).toEqual(new Set([scanProgressCardKey('scan-1')]));
  expect(notifier.sent.every((n) => n.toUserId === 'alex-id')).toBe(true);
  for (const n of notifier.sent) expect(adaptiveCardProblems(n.reply.cards[0])).toEqual([]);
  expect(JSON.stringify(notifier.sent[2].reply.cards[0])).toContain('Your digest follows.');
});

test('a notifier that fails does not break the scan: the listener never throws and flushed() resolves', async () => {
  const failing = { send: () => Promise.reject(new Error('store down')) };
  const notices = new ScanProgressNotices(failing, new FixedClock(), 'alex-id', 'scan-2');
  expect(() => notices.onProgress(reading(1))).not.toThrow();
  await expect(notices.flushed()).resolves.toBeUndefined();
});
