/**
 * A card click as src/app answers it — the generic checks, the verb catalogue's schema and handler — for tests that
 * wire one domain service by hand. Only the features passed in are there: a click on another feature's button
 * fails the test.
 */
import type { Caller } from '../../src/access/caller';
import { CardClicks } from '../../src/app/cardVerbs/cardClicks';
import type { ActionResult, BotServices } from '../../src/app/services';

export type Click = (caller: Caller, verb: string, data?: Record<string, unknown>) => Promise<ActionResult>;

export function cardClicker(services: Pick<BotServices, 'ctx'> & Partial<BotServices>): Click {
  const clicks = new CardClicks(services as BotServices);
  return (caller, verb, data = {}) => clicks.click(caller, verb, data);
}
