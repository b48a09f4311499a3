/** Small statistics helpers for benchmarks: percentiles over samples in milliseconds. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export const median = (samples: number[]): number => percentile(samples, 50);

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

export function rssMb(): number {
  return round(process.memoryUsage().rss / 1024 / 1024, 1);
}

/** Runs the GC when node was started with --expose-gc (bench/run.ts does), so memory figures are comparable. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
