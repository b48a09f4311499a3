/**
 * Which failures of a step will not go away by running it again (a refusal of the service: another connector,
 * a connection the bot may not use, a connection in error, a missing reference or flow). Everything else (429 past
 * its budget, 5xx, a lost answer, a timeout) is thrown to the job, which is delivered again and resumes the step.
 */
import { isTenantApiError } from '../../../tenant/errors';

export function isPermanentFailure(error: unknown): boolean {
  return isTenantApiError(error) && ['forbidden', 'notFound', 'badRequest', 'conflict'].includes(error.kind);
}
