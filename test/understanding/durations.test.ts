/** Days in what people type, counted from an injected "now". */
import { daysWindow, reminderDays } from '../../src/understanding';

const NOW = new Date('2026-12-04T10:00:00Z'); // a Friday

test.each([
  ['which secrets expire in the next 30 days', 30],
  ['within 2 weeks', 14],
  ['in three weeks', 21],
  ['a month', 30],
  ['this month', 28],
  ['before new year', 28],
  ['by end of year', 28],
  ['tomorrow', 1],
  ['before next monday', 3],
])('%j is %d days', (text, days) => {
  expect(daysWindow(text, NOW)).toBe(days);
});

test('no window when none is said', () => {
  expect(daysWindow('which secrets expire soon', NOW)).toBeUndefined();
});

test.each([
  ['remind me 30 and 7 days before', [30, 7]],
  ['notify me 30, 7 and 1 days before', [30, 7, 1]],
  ['2 weeks and 3 days ahead', [14, 3]],
  ['a week before', [7]],
])('reminders in %j', (text, days) => {
  expect(reminderDays(text)).toEqual(days);
});
