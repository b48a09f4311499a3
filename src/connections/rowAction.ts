/**
 * The one button a row of a card offers, as template data: an Action.Execute (verb + ids), a link, or nothing.
 * Templates pick the element by `kind`, so every row carries the same shape.
 */
import type { FindingAction } from './findings/finding';

export type RowAction =
  | { kind: 'execute'; title: string; verb: string; data: Record<string, string> }
  | { kind: 'url'; title: string; url: string }
  | { kind: 'none' };

export const noAction: RowAction = { kind: 'none' };

export function executeAction(title: string, verb: string, data: Record<string, string | undefined>): RowAction {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) if (value !== undefined) clean[key] = value;
  return { kind: 'execute', title, verb, data: clean };
}

export const urlAction = (title: string, url: string): RowAction => ({ kind: 'url', title, url });

/** A finding's next step (a verb with ids, or a link) as the row's button. */
export function rowActionOf(action: FindingAction | undefined): RowAction {
  if (action?.verb) return executeAction(action.title, action.verb, action.data ?? {});
  if (action?.url) return urlAction(action.title, action.url);
  return noAction;
}

/** [Request access] — handled by the approvals service; carries ids only. */
export const requestAccessAction = (ids: {
  environmentId: string;
  connector: string;
  connectionName: string;
  flowId?: string;
}): RowAction => executeAction('Request access', 'access.request', ids);

/** [Rotate] — handled by the approvals service; carries the app's object id only. */
export const rotateAction = (appObjectId: string): RowAction =>
  executeAction('Rotate', 'rotation.request', { appObjectId });

/** [Ask <owner> to turn it on] — the flow's OAuth connections' owner turns the flow on once; carries ids only. */
export const askToTurnOnAction = (ownerName: string, ids: { environmentId: string; flowId: string }): RowAction =>
  executeAction(`Ask ${ownerName} to turn it on`, 'flow.askToTurnOn', ids);
