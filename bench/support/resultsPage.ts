/** bench/RESULTS.md: putting the sections of a subset run (BENCH_ONLY) in place of their older versions. */

/**
 * The results page with `sections` (each starting `## <title>`) put in place of the sections of the same title,
 * each saying it was re-run alone and when; sections not there yet are added before the reliability table.
 */
export function replaceSections(page: string, sections: string[], only: string[], now = new Date()): string {
  let out = page;
  for (const section of sections) {
    const [heading, ...rest] = section.split('\n');
    const stamped = [
      heading,
      '',
      `_Re-run alone (\`BENCH_ONLY=${only.join(',')}\`) on ${now.toISOString()}; the other sections are from the date above._`,
      ...rest,
    ].join('\n');
    const start = out.indexOf(`${heading}\n`);
    if (start < 0) {
      const reliability = out.indexOf('\n## Reliability suite');
      out =
        reliability < 0
          ? `${out.trimEnd()}\n\n${stamped}\n`
          : `${out.slice(0, reliability)}\n${stamped}\n${out.slice(reliability)}`;
      continue;
    }
    const next = out.indexOf('\n## ', start + heading.length);
    out = `${out.slice(0, start)}${stamped}\n${next < 0 ? '' : out.slice(next)}`;
  }
  return out;
}
