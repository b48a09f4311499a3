/**
 * `npm run --silent scan -- [--dry-run] [--json]`: one tenant scan now, built by the composition root like the
 * bot (demo tenant when no TENANT_ID). --dry-run reads the ledger but changes nothing and sends nothing: it
 * shows the findings and, per recipient, the digest that would go out (templates expanded). Without it the
 * digests are queued in the store's outbox, which the running bot delivers (this process has no Teams adapter).
 * --json prints ONE JSON object {findings, deliveries, partial}; otherwise a short summary. On a terminal, a
 * progress bar on stderr shows how far the scan has got (nothing when stderr is piped).
 */
import { parseArgs } from 'node:util';
import { compose } from '../compose';
import { loadConfig } from '../config';
import { runTrustingEmulator } from './emulatorTrust';
import { scanProgressBar } from './scanProgressBar';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: npm run --silent scan -- [--dry-run] [--json]\n');
    return 0;
  }
  // The scan is a job, in a queue of this process's own (a running bot must not take it). No bot adapter is
  // attached, so the outbox only queues: the bot's outbox worker delivers through Teams.
  const composition = await compose(loadConfig(), { inMemoryJobs: true });
  try {
    const bar = scanProgressBar(process.stderr);
    let result;
    try {
      result = await composition.notifications.runScan({ dryRun: values['dry-run'], onProgress: bar.onProgress });
    } finally {
      bar.stop();
    }
    if (values.json) {
      // Every finding carries the same keys (null when they do not apply), so consumers need no existence checks.
      const findings = result.findings.map((f) => ({
        ...f,
        environment: f.environment ?? null,
        daysLeft: f.daysLeft ?? null,
        owner: f.owner ?? null,
      }));
      process.stdout.write(`${JSON.stringify({ ...result, findings })}\n`);
    } else {
      const high = result.findings.filter((f) => f.severity === 'high').length;
      process.stdout.write(`${result.findings.length} findings (${high} high).\n`);
      for (const f of result.findings) {
        const days = f.daysLeft === undefined ? '' : ` [${f.daysLeft} d]`;
        process.stdout.write(
          `  ${f.severity.padEnd(6)} ${f.kind}: ${f.subject}${f.environment ? ` (${f.environment})` : ''}${days}\n`,
        );
      }
      const verb = values['dry-run'] ? 'would receive' : 'queued for';
      for (const d of result.deliveries) process.stdout.write(`${d.to} ${verb}: ${d.text}\n`);
      if (result.partial.length) process.stdout.write(`Could not check: ${result.partial.join('; ')}\n`);
    }
    return 0;
  } finally {
    await composition.close();
  }
}

void runTrustingEmulator(main);
