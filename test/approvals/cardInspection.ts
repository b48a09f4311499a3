/** Reading cards the way a person would: buttons by their exact title, input ids, visible text. */
import type { AdaptiveCard } from '../../src/cards/renderCard';

interface CardAction {
  type: string;
  title: string;
  verb?: string;
  data?: Record<string, unknown>;
}

/** The Action.Execute with this exact title on a card (titles are part of the contract). */
export function actionOf(
  card: AdaptiveCard | undefined,
  title: string,
): { verb: string; data: Record<string, unknown> } {
  const actions = ((card?.actions as CardAction[] | undefined) ?? []).filter((a) => a.title === title);
  if (actions.length !== 1 || actions[0].type !== 'Action.Execute' || !actions[0].verb) {
    throw new Error(`no Action.Execute "${title}" on card: ${JSON.stringify(card)}`);
  }
  return { verb: actions[0].verb, data: actions[0].data ?? {} };
}

export function inputIds(card: AdaptiveCard | undefined): string[] {
  const ids: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.type === 'string' && record.type.startsWith('Input.') && typeof record.id === 'string') {
        ids.push(record.id);
      }
      Object.values(record).forEach(walk);
    }
  };
  walk(card?.body);
  return ids;
}

export const cardText = (card: AdaptiveCard | undefined): string => JSON.stringify(card ?? {});
