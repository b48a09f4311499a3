/**
 * The reliability summary table: each reliability test file records what it tried (inputs, faults, rotations) and
 * the losses it found into test-artifacts/reliability-summary.json, one section per file, so bench/run.ts (or a
 * reader) can show the table next to the benchmarks without re-running the suite.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SUMMARY_FILE = path.resolve(__dirname, '..', '..', 'test-artifacts', 'reliability-summary.json');

export function writeReliabilitySummary(section: string, figures: Record<string, number | string>): void {
  fs.mkdirSync(path.dirname(SUMMARY_FILE), { recursive: true });
  // Two jest workers may write at once: read-modify-write of small JSON, last writer per section wins.
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(fs.readFileSync(SUMMARY_FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    current = {};
  }
  current[section] = { ...figures, at: new Date().toISOString() };
  fs.writeFileSync(SUMMARY_FILE, `${JSON.stringify(current, null, 2)}\n`);
}
