/**
 * The charts of the connection views: what each one counts, in which colour, from the same values the card's text
 * is written from (so the picture and the words never disagree).
 */
import { chartOf, point, type ChartColor, type ChartData } from '../cards/chartData';
import type { ConnectionStatus } from '../tenant/model';
import type { Finding } from './findings/finding';

const SEVERITY_CHART_COLOR: Record<Finding['severity'], ChartColor> = {
  high: 'attention',
  medium: 'warning',
  low: 'neutral',
};

/** Health report: how many findings of each severity (donut, every severity shown even at 0). */
export function findingsBySeverityChart(findings: readonly Finding[]): ChartData {
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  return chartOf(
    'Findings by severity',
    (['high', 'medium', 'low'] as const).map((s) => point(capitalise(s), count(s), SEVERITY_CHART_COLOR[s])),
  );
}

/** Health report: how many findings of each kind, most first (horizontal bar). */
export function findingsByKindChart(findings: readonly Finding[], label: (kind: Finding['kind']) => string): ChartData {
  const counts = new Map<Finding['kind'], number>();
  for (const f of findings) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  const points = [...counts]
    .sort((a, b) => b[1] - a[1] || label(a[0]).localeCompare(label(b[0])))
    .map(([kind, n]) => point(label(kind), n, 'categoricalBlue'));
  return chartOf('Findings by kind', points, { moreNoun: 'kinds' });
}

/** Days before a secret expires at which its bar turns amber, then red (the default notification thresholds 7 and 1). */
export const EXPIRY_WARNING_DAYS = 7;
export const EXPIRY_URGENT_DAYS = 1;

export function expiryColor(daysLeft: number): ChartColor {
  if (daysLeft <= EXPIRY_URGENT_DAYS) return 'attention';
  if (daysLeft <= EXPIRY_WARNING_DAYS) return 'warning';
  return 'neutral';
}

/**
 * Expiring secrets: days left per app (the credential that expires first), soonest first. Already expired ones are
 * not charted (a bar cannot show "3 days ago"); the card lists them below.
 */
export function daysLeftChart(expiring: readonly Pick<Finding, 'subject' | 'daysLeft'>[]): ChartData {
  const soonest = new Map<string, number>();
  for (const f of expiring) {
    const days = f.daysLeft ?? 0;
    const known = soonest.get(f.subject);
    if (known === undefined || days < known) soonest.set(f.subject, days);
  }
  const points = [...soonest]
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .map(([app, days]) => point(app, days, expiryColor(days)));
  return chartOf('Days left per app', points, { moreNoun: 'apps' });
}

/** My connections: connected / error / other (configuration needed or a status the bot does not know). */
export function connectionStatusChart(statuses: readonly (ConnectionStatus | string)[]): ChartData {
  const connected = statuses.filter((s) => s === 'Connected').length;
  const error = statuses.filter((s) => s === 'Error').length;
  const other = statuses.length - connected - error;
  return chartOf('Connections by status', [
    point('Connected', connected, 'good'),
    point('Error', error, 'attention'),
    point('Needs configuration or unknown', other, 'neutral'),
  ]);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
