/**
 * What is wrong with a card as Teams would see it: the Adaptive Cards SDK's parse and validation events, and for
 * Teams' chart elements (unknown to the SDK) the chart schema and fallback checks of ./chartProblems.
 */
import type * as AdaptiveCardsSdk from 'adaptivecards';
import type { AdaptiveCard } from '../../src/cards/renderCard';
import { chartProblems, isCheckedChartNotice } from './chartProblems';

// The UMD build: the package's main entry is ESM, which jest (CommonJS) cannot load.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsSdk;

/** Problems the Adaptive Cards SDK reports for a card (unknown elements, invalid properties). */
export function adaptiveCardProblems(json: AdaptiveCard): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const charts = chartProblems(json);
  const problems: string[] = [...charts];
  for (let i = 0; i < context.eventCount; i++) {
    const message = context.getEventAt(i).message;
    if (!(isCheckedChartNotice(message) && !charts.length)) problems.push(message);
  }
  for (const event of card.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}
