/**
 * Thrown by a job whose work another worker holds right now (its saga's lease): not a failure of the work. The
 * queue delivers the job again later as for any error, but a recovery pass (JobRunner.recoverAbandoned) takes it
 * as "someone is on it" and does not record a final failure for it.
 */
export class HeldByAnotherWorker extends Error {
  constructor(message = 'The job is being run by another worker; retrying.') {
    super(message);
    this.name = 'HeldByAnotherWorker';
  }
}

export const isHeldByAnotherWorker = (error: unknown): boolean => error instanceof HeldByAnotherWorker;
