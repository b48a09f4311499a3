/**
 * "Health report" (admins only): the findings of every registered governance rule over the whole tenant, most
 * severe first, each with why it matters, a link to the knowledge article and the action, paged under Teams' card
 * size limit.
 */
import { renderCard } from '../cards/renderCard';
import type { Reply } from '../cards/reply';
import { findingsByKindChart, findingsBySeverityChart } from './chartData';
import { governanceFindings, ruleOf } from './findings';
import { ARTICLE_QUESTIONS } from './findings/articles';
import type { Finding } from './findings/finding';
import { withGaps } from './partialResult';
import { rowActionOf } from './rowAction';
import { loadSnapshot } from './snapshotLoader';
import type { TenantReader } from './tenantReader';

export const FINDINGS_PAGE_SIZE = 20;

/** The kind as the rule that reports it names it (a kind no rule claims is shown as is). */
const kindLabel = (kind: Finding['kind']): string => ruleOf(kind)?.label ?? kind;

const SEVERITY_COLOR = { high: 'Attention', medium: 'Warning', low: 'Default' } as const;

export async function healthReportReply(reader: TenantReader, now: Date, page = 1): Promise<Reply> {
  const retry = { view: 'healthReport', page };
  const snapshot = await loadSnapshot(reader, now);
  if (!snapshot.environments.length && reader.gaps.length) return withGaps({ cards: [] }, reader.gaps, retry);
  const findings = governanceFindings(snapshot);
  const pages = Math.max(1, Math.ceil(findings.length / FINDINGS_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(page)), pages);
  const shown = findings.slice((current - 1) * FINDINGS_PAGE_SIZE, current * FINDINGS_PAGE_SIZE);
  const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
  const card = renderCard('healthReport', {
    title: 'Tenant health report',
    summary: findings.length
      ? `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${count('high')} high, ${count('medium')} medium, ${count('low')} low.`
      : 'No findings: nothing needs attention.',
    severityChart: findingsBySeverityChart(findings),
    kindChart: findingsByKindChart(findings, kindLabel),
    findings: shown.map((f) => ({
      kind: kindLabel(f.kind),
      severity: f.severity.toUpperCase(),
      color: SEVERITY_COLOR[f.severity],
      subject: f.subject,
      where: [
        f.environment,
        f.owner ? `owner ${f.owner}` : undefined,
        f.daysLeft !== undefined ? daysText(f.daysLeft) : undefined,
      ]
        .filter(Boolean)
        .join(' · '),
      why: f.why,
      article: f.articleId ?? '',
      question: (f.articleId && ARTICLE_QUESTIONS[f.articleId]) || '',
      action: rowActionOf(f.action),
    })),
    note: pages > 1 ? `Page ${current} of ${pages}.` : '',
    hasMore: current < pages,
    nextPage: current + 1,
  });
  return withGaps({ cards: [card] }, reader.gaps, retry);
}

function daysText(days: number): string {
  if (days > 0) return `${days} day${days === 1 ? '' : 's'} left`;
  if (days === 0) return 'expires today';
  return `expired ${-days} day${days === -1 ? '' : 's'} ago`;
}
