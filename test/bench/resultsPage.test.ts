/** A subset bench run (BENCH_ONLY) rewrites only its own sections of bench/RESULTS.md. */
import { replaceSections } from '../../bench/support/resultsPage';

const PAGE = [
  '# Benchmark results',
  '',
  '- date: 2026-12-01T00:00:00.000Z',
  '',
  '## Scan',
  '',
  'scan figures',
  '',
  '## Per-user turns',
  '',
  'old per-user figures',
  '',
  '## Reliability suite (from the last `npm test`)',
  '',
  'reliability table',
  '',
].join('\n');

const NOW = new Date('2026-12-04T23:00:00.000Z');

test('the re-run section replaces its older version, says when it was run alone, and the others stay', () => {
  const page = replaceSections(PAGE, ['## Per-user turns\n\nnew per-user figures'], ['peruser'], NOW);
  expect(page).toContain('scan figures');
  expect(page).toContain('reliability table');
  expect(page).not.toContain('old per-user figures');
  expect(page).toContain(
    '## Per-user turns\n\n_Re-run alone (`BENCH_ONLY=peruser`) on 2026-12-04T23:00:00.000Z; the other sections are from the date above._\n\nnew per-user figures\n\n## Reliability suite',
  );
});

test('a section the page does not have yet goes before the reliability table', () => {
  const page = replaceSections(PAGE, ['## Delivery\n\ndelivery figures'], ['delivery'], NOW);
  expect(page.indexOf('delivery figures')).toBeGreaterThan(page.indexOf('old per-user figures'));
  expect(page.indexOf('delivery figures')).toBeLessThan(page.indexOf('## Reliability suite'));
});
