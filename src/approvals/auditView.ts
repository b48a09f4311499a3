/**
 * The audit trail for people: "audit" / "audit for D365-App-Registration" gives admins a card with the latest
 * entries (newest first, actors by name), and exportAudit streams every entry for `npm run audit`.
 */
import type { Caller } from '../access/caller';
import { renderCard } from '../cards/renderCard';
import { textReply, type Reply } from '../cards/reply';
import type { DomainContext } from '../context';
import type { AuditEntry } from '../store/ports';
import { matchScore } from '../understanding/nameResolution';
import { refuse } from './refusals';

type ListedEntry = Required<Pick<AuditEntry, 'at'>> & AuditEntry;

const CARD_ENTRIES = 25;

export function exportAudit(
  ctx: Pick<DomainContext, 'store'>,
  options?: { subject?: string; since?: string; limit?: number },
): AsyncIterable<ListedEntry> {
  return ctx.store.audit.list(options);
}

export async function auditCard(ctx: DomainContext, caller: Caller, query: { subject?: string }): Promise<Reply> {
  const subject = query.subject?.trim() || undefined;
  if (!(await ctx.access.isAdmin(caller))) {
    return refuse(ctx, caller, {
      reason: 'notAllowed',
      subject: subject ?? 'audit',
      verb: 'audit',
      text: 'Only admins can read the audit log. Ask an admin of Connection Ops.',
    });
  }
  let entries = await latest(ctx.store.audit.list(subject ? { subject } : {}), () => true);
  if (subject && !entries.length) {
    // People type names loosely ("d365 app registration"): fall back to a tolerant match on the subject.
    entries = await latest(ctx.store.audit.list(), (e) => matchScore(subject, e.subject) > 0);
  }
  const names = new Map<string, string>();
  for (const actor of new Set(entries.map((e) => e.actor))) {
    if (actor === 'system') continue;
    const user = await ctx.tenant.directory.getUser(actor).catch(() => undefined);
    names.set(actor, user?.displayName ?? actor);
  }
  if (!entries.length && subject) return textReply(`The audit log has no entries about "${subject}".`);
  const rows = entries.map((e) => ({
    at: e.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'),
    outcome: clip(e.outcome),
    action: clip(e.action),
    actor: clip(names.get(e.actor) ?? e.actor),
    subject: clip(e.subject),
    detail: clip(detailText(e)),
  }));
  const title = clip(subject ? `Audit: ${subject}` : 'Audit log');
  // Teams refuses a message over about 28 KB: the newest entries that fit are shown, the rest are in `npm run audit`.
  let card = renderCard('auditLog', { title, entries: rows });
  while (rows.length > 1 && Buffer.byteLength(JSON.stringify(card)) > MAX_CARD_BYTES) {
    rows.pop();
    card = renderCard('auditLog', { title: `${title} (newest ${rows.length}; all: npm run audit)`, entries: rows });
  }
  return { cards: [card] };
}

/** Under Teams' ~28 KB message limit, with room for the activity around the card. */
const MAX_CARD_BYTES = 24 * 1024;
const MAX_FIELD_CHARS = 200;

/** Entries hold what callers sent (subjects, ids, comments): a card shows the start of each. */
function clip(text: string): string {
  return text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS - 1)}…` : text;
}

async function latest(source: AsyncIterable<ListedEntry>, keep: (e: ListedEntry) => boolean): Promise<ListedEntry[]> {
  const window: ListedEntry[] = [];
  for await (const entry of source) {
    if (!keep(entry)) continue;
    window.push(entry);
    if (window.length > CARD_ENTRIES) window.shift();
  }
  return window.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

function detailText(entry: ListedEntry): string {
  const parts: string[] = [];
  if (entry.details?.reason) parts.push(`reason ${String(entry.details.reason)}`);
  if (entry.details?.comment) parts.push(`“${String(entry.details.comment)}”`);
  if (entry.correlationId) parts.push(`ref ${entry.correlationId}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
