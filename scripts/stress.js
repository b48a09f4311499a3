/**
 * `npm run test:stress`: the whole test suite three times in a row while two busy loops keep both cores of a
 * small machine busy. A test that passes alone but leans on the machine being fast (a latency it expects every
 * request to fit in, a sleep it expects something to be done by) fails here. Exits non-zero when any run failed.
 *
 *   npm run test:stress                      three runs of `npm test`, two busy loops
 *   npm run test:stress -- --runs 1 --busy 1 test/emulator     fewer runs or loops; the rest goes to jest
 *
 * Plain JavaScript, like runBuilt.js, so it needs no compiler. The busy loops are killed however this ends.
 */
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function parseArgs(argv) {
  const options = { runs: 3, busy: 2, jestArgs: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--runs' || arg === '--busy') {
      const value = Number(argv[i + 1]);
      if (!Number.isInteger(value) || value < 0) throw new Error(`${arg} needs a whole number`);
      options[arg.slice(2)] = value;
      i += 1;
    } else {
      options.jestArgs.push(arg);
    }
  }
  return options;
}

function startBusyLoops(count) {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore', detached: false }),
  );
}

function stopBusyLoops(loops) {
  for (const loop of loops) if (loop.exitCode === null && loop.signalCode === null) loop.kill('SIGKILL');
}

function runTests(jestArgs) {
  return new Promise((resolve) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const args = ['test', ...(jestArgs.length ? ['--', ...jestArgs] : [])];
    const child = spawn(npm, args, { cwd: ROOT, stdio: 'inherit' });
    child.once('exit', (code, signal) => resolve(code === 0 && !signal));
    child.once('error', () => resolve(false));
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const loops = startBusyLoops(options.busy);
  // However this process ends (a failure, Ctrl-C), the busy loops must not outlive it.
  process.once('exit', () => stopBusyLoops(loops));
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      stopBusyLoops(loops);
      process.exit(130);
    });
  }
  const results = [];
  try {
    for (let run = 1; run <= options.runs; run += 1) {
      process.stderr.write(`\ntest:stress: run ${run} of ${options.runs}, ${options.busy} busy loop(s)\n`);
      results.push(await runTests(options.jestArgs));
    }
  } finally {
    stopBusyLoops(loops);
  }
  const failed = results.filter((ok) => !ok).length;
  process.stderr.write(
    `\ntest:stress: ${results.length - failed} of ${results.length} runs passed` +
      (failed
        ? ` (failed: run ${results
            .map((ok, i) => (ok ? undefined : i + 1))
            .filter(Boolean)
            .join(', ')})`
        : '') +
      '\n',
  );
  process.exitCode = failed ? 1 : 0;
}

main().catch((error) => {
  process.stderr.write(`test:stress: ${error.message}\n`);
  process.exitCode = 1;
});
