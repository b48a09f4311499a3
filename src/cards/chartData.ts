/**
 * The data behind a chart on a card (Teams' `Chart.Donut` and `Chart.HorizontalBar`, Microsoft Learn "Charts in
 * Adaptive Cards"). One list of points feeds both the chart and its fallback FactSet, so a host that cannot draw the
 * chart shows exactly the same numbers, and a long list is cut to a few bars plus "and N more" to keep the card
 * under Teams' size limit.
 */

/** Chart colours named on the Learn page (lower camel case, as in its JSON samples). */
export type ChartColor = 'good' | 'warning' | 'attention' | 'neutral' | 'categoricalBlue' | 'categoricalPurple';

export interface ChartPoint {
  label: string;
  value: number;
  color: ChartColor;
  /** The value as the fallback FactSet shows it (FactSet values are strings). */
  text: string;
}

export interface ChartData {
  title: string;
  points: ChartPoint[];
  /** "and 40 more" when bars were left out, else ''. */
  more: string;
  /** false when there is nothing to draw: the template then leaves the chart out. */
  shown: boolean;
}

/** At most this many bars: a horizontal bar per app or kind stays readable and a card stays small. */
export const MAX_BARS = 12;

export function chartOf(
  title: string,
  points: ChartPoint[],
  options: { maxBars?: number; moreNoun?: string } = {},
): ChartData {
  const max = options.maxBars ?? MAX_BARS;
  const kept = points.slice(0, max);
  const left = points.length - kept.length;
  return {
    title,
    points: kept,
    more: left > 0 ? `and ${left} more ${options.moreNoun ?? ''}`.trimEnd() + ' not charted.' : '',
    shown: kept.some((p) => p.value > 0),
  };
}

export function point(label: string, value: number, color: ChartColor): ChartPoint {
  return { label, value, color, text: String(value) };
}
