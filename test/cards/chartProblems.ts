/**
 * Checks the chart elements of a card (Chart.Donut, Chart.HorizontalBar) that the Adaptive Cards SDK does not know:
 * each against the chart schema from Microsoft Learn (./schemas/chartElements.schema.json), and each with a
 * FactSet fallback that shows the very numbers the chart draws. The SDK then parses the fallback in the chart's place,
 * so a card passes only if both what Teams draws and what other hosts draw are valid.
 */
import Ajv from 'ajv';
import schema from './schemas/chartElements.schema.json';

const ajv = new Ajv({ allErrors: true, strict: false }).addSchema(schema);
/** One validator per chart type, so a wrong chart is reported against its own definition only. */
const validatorOf = (type: string) => ajv.getSchema(`${schema.$id}#/definitions/${type}`);

export const CHART_TYPES = ['Chart.Donut', 'Chart.HorizontalBar'];

type Json = Record<string, unknown>;

/** Every Chart.* element anywhere in the card. */
export function chartsOf(node: unknown, found: Json[] = []): Json[] {
  if (Array.isArray(node)) for (const item of node) chartsOf(item, found);
  else if (node && typeof node === 'object') {
    const obj = node as Json;
    if (typeof obj.type === 'string' && obj.type.startsWith('Chart.')) found.push(obj);
    for (const value of Object.values(obj)) chartsOf(value, found);
  }
  return found;
}

/** The chart's numbers as label → value text, whichever kind of chart it is. */
export function chartNumbers(chart: Json): [string, string][] {
  const data = (chart.data ?? []) as Json[];
  return data.map((d) =>
    chart.type === 'Chart.HorizontalBar' ? [String(d.x), String(d.y)] : [String(d.legend), String(d.value)],
  );
}

export function chartProblems(card: unknown): string[] {
  const problems: string[] = [];
  for (const chart of chartsOf(card)) {
    const where = `${String(chart.type)} "${String(chart.title ?? '')}"`;
    const validateChart = CHART_TYPES.includes(String(chart.type)) ? validatorOf(String(chart.type)) : undefined;
    if (!validateChart) {
      problems.push(`${where}: not a chart type this suite checks`);
      continue;
    }
    if (!validateChart(chart)) {
      for (const e of validateChart.errors ?? []) problems.push(`${where}: ${e.instancePath} ${e.message ?? ''}`);
      continue;
    }
    const fallback = chart.fallback as Json;
    if (fallback.type !== 'FactSet') {
      problems.push(`${where}: its fallback is not a FactSet`);
      continue;
    }
    const facts = ((fallback.facts ?? []) as Json[]).map((f) => [String(f.title), String(f.value)]);
    if (JSON.stringify(facts) !== JSON.stringify(chartNumbers(chart)))
      problems.push(`${where}: its fallback does not show the chart's numbers`);
  }
  return problems;
}

/** The SDK's note for an element it does not know; only dropped for charts that passed the checks above. */
export function isCheckedChartNotice(message: string): boolean {
  return CHART_TYPES.some((t) => message === `Unknown element type "${t}". Fallback will be used if present.`);
}
