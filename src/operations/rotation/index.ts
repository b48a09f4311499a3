/**
 * Rotation of a service principal's client secret, as a resumable saga: createRotation records it for an
 * approval, advanceRotation runs it (again and again, safely), getRotation reads it. No secret ever leaves here.
 */
export { advanceRotation, RotationNotFoundError } from './advanceRotation';
export { createRotation, getRotation, RotationMismatchError, type CreateRotationInput } from './createRotation';
export { reopenRotation } from './reopenRotation';
export type { Rotation, RotationConnection, RotationState } from './rotation';
export type { RotationHooks, RotationOptions } from './rotationOptions';
