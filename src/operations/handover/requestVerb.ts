/**
 * The card verb of [Hand over] (data: {userId} of the leaver, optionally {toUserId}), in a file of its own so that a
 * finding can offer the button without importing the operation. Stored on sent cards: never rename it.
 */
export const HANDOVER_REQUEST_VERB = 'handover.request';
