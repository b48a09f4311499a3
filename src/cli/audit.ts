/**
 * `npm run --silent audit -- [--json] [--subject NAME] [--since ISO] [--limit N] [--data DIR]`
 * Exports the audit log of the configured store (STORAGE, DATA_DIR…): one JSON object per line by default, or a
 * single JSON array with --json. The audit log never holds secrets, so the output can be shared with auditors.
 */
import { parseArgs } from 'node:util';
import { exportAudit } from '../approvals/auditView';
import { loadConfig } from '../config';
import { openStore } from '../store';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      subject: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run --silent audit -- [--json] [--subject NAME] [--since ISO] [--limit N] [--data DIR]\n',
    );
    return 0;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    process.stderr.write('--limit must be a positive whole number\n');
    return 2;
  }
  const config = loadConfig(values.data ? { ...process.env, DATA_DIR: values.data } : process.env);
  const store = await openStore(config);
  try {
    const entries = exportAudit({ store }, { subject: values.subject, since: values.since, limit });
    if (values.json) {
      const all = [];
      for await (const entry of entries) all.push(entry);
      process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    } else {
      for await (const entry of entries) process.stdout.write(`${JSON.stringify(entry)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
