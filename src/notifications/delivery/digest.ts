/**
 * A recipient's digest as plain data, and its pages as cards: counts by severity, the new and worse findings
 * first (each with its own button: [Rotate] starts the approvals teammate's rotation request, connection
 * findings open the maker portal), then what was resolved. A long digest is paged ([Show more], verb
 * `digest.page`) so that every card stays under Teams' ~28 KB limit. The digest is kept in the store so a page
 * can be rendered when someone clicks, on any instance.
 */
import type { Finding } from '../../connections/findings';
import { HANDOVER_REQUEST_VERB } from '../../operations/handover/requestVerb';
import { renderCard, type AdaptiveCard } from '../../cards/renderCard';
import type { Reply } from '../../cards/reply';
import type { RecordStore } from '../../store/ports';
import type { RecipientDiff } from './ledger';

export const DIGESTS = 'notificationDigests';
/** Teams refuses cards over ~28 KB; keep a margin for the activity envelope. */
export const MAX_CARD_BYTES = 26_000;
const ITEMS_PER_PAGE = 12;
/** Beyond this a digest says "and N more" and points to the health report instead of paging forever. */
const MAX_STORED_ITEMS = 240;

export interface DigestItem {
  badge: string;
  subject: string;
  why: string;
  meta: string;
  color: string;
  hasExecute: boolean;
  hasLink: boolean;
  actionTitle: string;
  verb: string;
  data: Record<string, string>;
  url: string;
}

export interface Digest {
  id: string;
  recipient: string;
  /** 'tenant' = admins and channels (everything); 'maker' = a person's own things. */
  audience: 'tenant' | 'maker';
  title: string;
  summary: string;
  counts: { label: string; value: string }[];
  partial: string;
  items: DigestItem[];
  /** Items left out of the stored digest (very large tenants). */
  omitted: number;
  resolved: { line: string }[];
  unchangedCount: number;
}

const COLORS = { high: 'Attention', medium: 'Warning', low: 'Default' } as const;

/**
 * Buttons only admins may use: [Hand over] asks to hand a leaver's flows over, which only a Power Platform admin may
 * request (handoverRequests.ts). A maker's digest does not offer a button that would only be refused; it says who
 * can do it instead.
 */
const ADMIN_ONLY_VERBS: ReadonlySet<string> = new Set([HANDOVER_REQUEST_VERB]);

function itemOf(
  finding: Finding,
  change: 'new' | 'worse',
  audience: 'tenant' | 'maker',
  withheld: ReadonlyMap<string, string>,
): DigestItem {
  const adminOnly =
    audience === 'maker' && finding.action?.verb !== undefined && ADMIN_ONLY_VERBS.has(finding.action.verb);
  const instead = withheld.get(finding.id);
  const action = adminOnly || instead !== undefined ? undefined : finding.action;
  const why = adminOnly
    ? `${finding.why} [${finding.action?.title ?? ''}] is for Power Platform admins: they have it in their digest and in the health report.`
    : instead !== undefined
      ? `${finding.why} ${instead}`
      : finding.why;
  const where = [
    finding.environment,
    finding.owner ? `owner ${finding.owner}` : undefined,
    `${finding.severity} severity`,
  ];
  return {
    badge: change === 'new' ? 'NEW' : 'WORSE',
    subject: finding.subject,
    why,
    meta: where.filter(Boolean).join(' · '),
    color: COLORS[finding.severity],
    hasExecute: Boolean(action?.verb),
    hasLink: Boolean(action && !action.verb && action.url),
    actionTitle: action?.title ?? '',
    verb: action?.verb ?? '',
    data: action?.data ?? {},
    url: action?.url ?? '',
  };
}

export function buildDigest(input: {
  id: string;
  diff: RecipientDiff;
  audience: 'tenant' | 'maker';
  partial: string[];
  /** Finding id → who can, for the buttons this recipient may not use (digestButtons.ts). */
  withheld?: ReadonlyMap<string, string>;
}): Digest {
  const { diff } = input;
  const open = [...diff.changes.map((c) => c.finding), ...diff.unchanged];
  const bySeverity = (s: Finding['severity']) => open.filter((f) => f.severity === s).length;
  const newCount = diff.changes.filter((c) => c.change === 'new').length;
  const worseCount = diff.changes.length - newCount;
  const parts = [
    newCount ? `${newCount} new` : '',
    worseCount ? `${worseCount} worse` : '',
    diff.resolved.length ? `${diff.resolved.length} resolved` : '',
  ].filter(Boolean);
  const withheld = input.withheld ?? new Map<string, string>();
  const items = diff.changes.map((c) =>
    itemOf(c.finding, c.change === 'new' ? 'new' : 'worse', input.audience, withheld),
  );
  return {
    id: input.id,
    recipient: diff.recipient,
    audience: input.audience,
    title:
      input.audience === 'tenant'
        ? `Connection Ops digest: ${parts.join(', ')}`
        : `Something of yours needs attention: ${parts.join(', ')}`,
    summary:
      input.audience === 'tenant'
        ? `${open.length} open finding${open.length === 1 ? '' : 's'} in the tenant; what changed since the last digest comes first.`
        : 'A connection you own or a flow of yours is affected. Each item says what to do.',
    counts: [
      { label: 'High', value: String(bySeverity('high')) },
      { label: 'Medium', value: String(bySeverity('medium')) },
      { label: 'Low', value: String(bySeverity('low')) },
    ],
    partial: input.partial.length
      ? `Not checked this time (nothing there is reported as fine): ${input.partial.slice(0, 5).join('; ')}${input.partial.length > 5 ? `; and ${input.partial.length - 5} more` : ''}.`
      : '',
    items: items.slice(0, MAX_STORED_ITEMS),
    omitted: Math.max(0, items.length - MAX_STORED_ITEMS),
    resolved: diff.resolved.slice(0, 50).map((r) => ({
      line: `${r.subject}${r.environment ? ` (${r.environment})` : ''}`,
    })),
    unchangedCount: diff.unchanged.length,
  };
}

function renderPage(digest: Digest, page: number, perPage: number): AdaptiveCard {
  const pages = Math.max(1, Math.ceil(digest.items.length / perPage));
  const items = digest.items.slice((page - 1) * perPage, page * perPage);
  const last = page >= pages;
  const footer = [
    pages > 1 ? `Page ${page} of ${pages}.` : '',
    last && digest.omitted ? `…and ${digest.omitted} more: open the health report for the full list.` : '',
    last && digest.unchangedCount ? `${digest.unchangedCount} other open finding(s) were reported before.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return renderCard('digest', {
    digestId: digest.id,
    title: page === 1 ? digest.title : `${digest.title} (page ${page})`,
    titleColor: digest.audience === 'maker' ? 'Attention' : 'Default',
    summary: page === 1 ? digest.summary : '',
    counts: page === 1 && digest.audience === 'tenant' ? digest.counts : [],
    partial: page === 1 ? digest.partial : '',
    items,
    resolved: last ? digest.resolved : [],
    footer,
    nextPage: last ? 0 : page + 1,
    reportTitle: digest.audience === 'tenant' ? 'Open health report' : 'Show my connections',
    reportCommand: digest.audience === 'tenant' ? 'health report' : 'my connections',
  });
}

/** Page `page` (1-based) as a card under MAX_CARD_BYTES: fewer items per page when the items are long. */
export function digestPage(digest: Digest, page = 1): AdaptiveCard {
  for (let perPage = ITEMS_PER_PAGE; perPage > 1; perPage = Math.floor(perPage / 2)) {
    const card = renderPage(digest, page, perPage);
    if (Buffer.byteLength(JSON.stringify(card)) <= MAX_CARD_BYTES) return card;
  }
  return renderPage(digest, page, 1);
}

export function digestText(digest: Digest): string {
  const top = digest.items[0];
  return `${digest.title}.${top ? ` First: ${top.subject} — ${top.why}` : ''}`;
}

export function digestReply(digest: Digest): Reply {
  return { text: digestText(digest), cards: [digestPage(digest, 1)] };
}

export class DigestArchive {
  constructor(private readonly records: RecordStore) {}

  async save(digest: Digest): Promise<void> {
    await this.records.put(DIGESTS, digest.id, digest);
  }

  async get(id: string): Promise<Digest | undefined> {
    return (await this.records.get<Digest>(DIGESTS, id))?.value;
  }
}
