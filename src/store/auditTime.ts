/**
 * Audit times are stored as canonical ISO strings (toISOString) so that ordering and `since` filtering work by
 * plain string comparison in both adapters.
 */
export function auditTime(at: string | undefined, now: () => number = Date.now): string {
  const date = at === undefined ? new Date(now()) : new Date(at);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Audit time "${at}" is not a valid ISO date.`);
  return date.toISOString();
}
