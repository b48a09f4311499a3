/**
 * When some reads failed: a card listing what could not be checked and why, with [Retry] (verb
 * `connections.retry`, data = the view and its arguments), added after whatever could be shown.
 */
import { renderCard } from '../cards/renderCard';
import type { Reply } from '../cards/reply';
import type { Gap } from './tenantReader';

export type RetryData = { view: string } & Record<string, string | number | undefined>;

export function partialResultCard(gaps: Gap[], retry: RetryData, headline?: string) {
  const data: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(retry)) if (value !== undefined) data[key] = value;
  return renderCard('partialResult', {
    title: headline ?? 'Some things could not be checked',
    intro:
      'The services below did not answer, so this answer is incomplete. Nothing is reported as fine unless it was checked.',
    gaps: gaps.slice(0, 10).map((g) => ({ what: g.what, reason: g.reason })),
    more: gaps.length > 10 ? `…and ${gaps.length - 10} more.` : '',
    retryData: data,
  });
}

/** Appends the partial-result card when there were gaps. */
export function withGaps(reply: Reply, gaps: Gap[], retry: RetryData): Reply {
  if (!gaps.length) return reply;
  return { ...reply, cards: [...reply.cards, partialResultCard(gaps, retry)] };
}
