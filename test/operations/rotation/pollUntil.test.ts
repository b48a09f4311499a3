import { pollUntil } from '../../../src/operations/rotation/pollUntil';

test('keeps asking until the probe says yes, treating errors as not yet', async () => {
  const answers: (boolean | Error)[] = [false, new Error('network'), true];
  const result = await pollUntil(
    async () => {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next ?? false;
    },
    { timeoutMs: 5_000, initialDelayMs: 1, maxDelayMs: 2 },
  );
  expect(result).toEqual({ ok: true, attempts: 3 });
});

test('gives up once the bound has passed and reports the last error', async () => {
  const result = await pollUntil(
    async () => {
      throw new Error('still down');
    },
    { timeoutMs: 20, initialDelayMs: 1, maxDelayMs: 5 },
  );
  expect(result.ok).toBe(false);
  expect(result.attempts).toBeGreaterThan(1);
  expect((result.lastError as Error).message).toBe('still down');
});
