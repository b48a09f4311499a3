/**
 * The card verb of [Rotate] (data: {appObjectId} of the app registration), in a file of its own so that a finding
 * or a digest can name the button without importing the operation. Stored on sent cards: never rename it.
 */
export const ROTATION_REQUEST_VERB = 'rotation.request';
