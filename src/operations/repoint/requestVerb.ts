/**
 * The card verb of [Re-point references] (data: {solutionName | solutionId, environmentId?, referenceId?,
 * fromConnectionName?, connectionName?, target?}, see repointPlan.ts), in a file of its own so that a card can offer
 * the button without importing the operation. Stored on sent cards: never rename it.
 */
export const REPOINT_REQUEST_VERB = 'repoint.request';
