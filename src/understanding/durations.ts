/**
 * Numbers of days in what people type: "next 30 days", "2 weeks", "a month", "this month", "before new year",
 * "by Friday"; and lists of days for reminders ("30, 7 and 1 days before"). Dates are counted from `now`, so
 * the caller injects the clock.
 */
import { words } from './text';

const DAY = 86_400_000;

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fourteen: 14,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  ninety: 90,
  couple: 2,
  few: 3,
};

const UNIT_DAYS: Record<string, number> = {
  day: 1,
  days: 1,
  d: 1,
  week: 7,
  weeks: 7,
  wk: 7,
  wks: 7,
  fortnight: 14,
  month: 30,
  months: 30,
  quarter: 91,
  year: 365,
  years: 365,
};

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const daysUntil = (now: Date, target: Date): number => Math.max(1, Math.ceil((target.getTime() - now.getTime()) / DAY));

/** A window of days ("within the next 2 weeks" → 14), or undefined when the text names none. */
export function daysWindow(text: string, now: Date): number | undefined {
  const lower = text.toLowerCase();
  const ws = words(lower).map((w) => w.text);
  for (let i = 0; i < ws.length; i++) {
    const unit = UNIT_DAYS[ws[i]];
    if (unit === undefined) continue;
    const before = ws[i - 1];
    const count = before === undefined ? undefined : /^\d+$/.test(before) ? Number(before) : NUMBER_WORDS[before];
    if (count !== undefined && count > 0) return Math.min(count * unit, 3650);
    if (ws[i] === 'fortnight') return 14;
    // "this month", "this week", "this year": until its end.
    if (before === 'this' || before === 'the' || before === 'next') {
      const end = endOf(ws[i], now, before === 'next');
      if (end) return daysUntil(now, end);
    }
  }
  if (/\b(?:new ?year|year[- ]end|end of (?:the )?year)\b/.test(lower)) {
    return daysUntil(now, new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1)));
  }
  if (/\bend of (?:the )?month\b/.test(lower)) return daysUntil(now, endOf('month', now, false) ?? now);
  if (/\bchristmas\b/.test(lower)) {
    const christmas = new Date(Date.UTC(now.getUTCFullYear(), 11, 25));
    return daysUntil(
      now,
      christmas.getTime() > now.getTime() ? christmas : new Date(Date.UTC(now.getUTCFullYear() + 1, 11, 25)),
    );
  }
  if (/\btomorrow\b/.test(lower)) return 1;
  if (/\btoday\b/.test(lower)) return 1;
  const weekday = WEEKDAYS.findIndex((d) => new RegExp(`\\b(?:by|before|until|till|next) ${d}\\b`).test(lower));
  if (weekday >= 0) return (weekday - now.getUTCDay() + 7) % 7 || 7;
  return undefined;
}

function endOf(unit: string, now: Date, next: boolean): Date | undefined {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  if (unit === 'month' || unit === 'months') return new Date(Date.UTC(y, m + (next ? 2 : 1), 1));
  if (unit === 'year') return new Date(Date.UTC(y + (next ? 2 : 1), 0, 1));
  if (unit === 'week' || unit === 'weeks') {
    const toSunday = (7 - now.getUTCDay()) % 7 || 7;
    return new Date(now.getTime() + (toSunday + (next ? 7 : 0)) * DAY);
  }
  if (unit === 'quarter') return new Date(Date.UTC(y, Math.floor(m / 3) * 3 + (next ? 6 : 3), 1));
  return undefined;
}

/** Reminder days, largest first: "30 and 7 days before", "a week and a day before" → [30, 7] / [7, 1]. */
export function reminderDays(text: string): number[] | undefined {
  const ws = words(text.toLowerCase()).map((w) => w.text);
  const found: number[] = [];
  let pending: number[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    if (/^\d+$/.test(w)) pending.push(Number(w));
    else if (UNIT_DAYS[w] !== undefined) {
      const unit = UNIT_DAYS[w];
      const before = ws[i - 1];
      if (pending.length) found.push(...pending.map((n) => (n === Number(before) ? n * unit : n)));
      else if (before && NUMBER_WORDS[before] !== undefined) found.push(NUMBER_WORDS[before] * unit);
      pending = [];
    } else if (
      NUMBER_WORDS[w] !== undefined &&
      w !== 'a' &&
      w !== 'an' &&
      ws[i + 1] &&
      /^(and|or|,)$/.test(ws[i + 1])
    ) {
      pending.push(NUMBER_WORDS[w]);
    }
  }
  found.push(...pending);
  const days = [...new Set(found.filter((n) => n > 0 && n <= 365))].sort((a, b) => b - a);
  return days.length ? days : undefined;
}
