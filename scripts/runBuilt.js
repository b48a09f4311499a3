/**
 * `node scripts/runBuilt.js src/cli/chat.ts [args…]`: runs a command line tool from its built JavaScript (dist/),
 * building first when any TypeScript source is newer than the last build. Running through tsx compiled every module
 * at every start (seconds for the chat CLI's "help"); the built files load in a fraction of that.
 *
 * Plain JavaScript so that it needs no compiler itself. In demo mode it also makes sure the demo tenant's
 * certificate exists and starts the tool once with NODE_EXTRA_CA_CERTS set, so the tool does not re-run itself to
 * trust it (see src/cli/emulatorTrust.ts). Build output goes to stderr: stdout stays the tool's (--json).
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
/** Written after each successful build: the time it started (sources changed after it make the build stale). */
const STAMP = 'dist/.built-at';
const LOCK = path.join(DIST, '.building');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestSourceMs(root) {
  let newest = 0;
  const visit = (file) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(file)) visit(path.join(file, name));
    } else if (stat.mtimeMs > newest) newest = stat.mtimeMs;
  };
  for (const input of INPUTS) visit(path.join(root, input));
  return newest;
}

function builtAtMs(root) {
  try {
    return Number(fs.readFileSync(path.join(root, STAMP), 'utf8')) || 0;
  } catch {
    return 0;
  }
}

/** Whether dist/ under `root` was built after the last change to any source. */
function isUpToDate(root = ROOT) {
  return builtAtMs(root) >= newestSourceMs(root);
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** One build at a time across processes (a directory is created atomically); a lock older than 10 min is dead. */
function withBuildLock(work) {
  fs.mkdirSync(DIST, { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      const stat = fs.statSync(LOCK, { throwIfNoEntry: false });
      if (stat && Date.now() - stat.mtimeMs > 600_000) fs.rmSync(LOCK, { recursive: true, force: true });
      else sleep(200);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** true when dist/ is up to date (built now if it was not). */
function ensureBuilt() {
  if (isUpToDate()) return true;
  return withBuildLock(() => {
    if (isUpToDate()) return true; // another process built it meanwhile
    const started = Date.now();
    process.stderr.write('Building dist/ (TypeScript sources changed since the last build)…\n');
    const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
    const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], {
      cwd: ROOT,
      stdio: ['ignore', 2, 2],
    });
    if (result.status !== 0) return false;
    fs.writeFileSync(path.join(ROOT, STAMP), String(started));
    return true;
  });
}

function main() {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry || !entry.endsWith('.ts')) {
    process.stderr.write('usage: node scripts/runBuilt.js src/cli/<tool>.ts [args…]\n');
    return process.exit(2);
  }
  const env = { ...process.env };
  let command;
  if (ensureBuilt()) {
    command = [path.join(DIST, entry.replace(/\.ts$/, '.js')), ...args];
    // V8's compiled code is kept between runs: most of what is left of the start-up is compiling botbuilder and
    // teams-ai. Node 22.1+ does it itself (NODE_COMPILE_CACHE); before that, compileCache.js does.
    const cacheDir = path.join(DIST, '.compile-cache');
    if (typeof require('node:module').enableCompileCache === 'function') env.NODE_COMPILE_CACHE ??= cacheDir;
    else {
      env.RUN_BUILT_COMPILE_CACHE ??= cacheDir;
      command.unshift('-r', path.join(__dirname, 'compileCache.js'));
    }
    // The same certificate path runTrustingEmulator expects, or the tool would start itself again.
    if (!env.TENANT_ID) {
      const { emulatorCertDir } = require(path.join(DIST, 'src', 'emulator', 'certDir.js'));
      const { loadOrCreateTls } = require(path.join(DIST, 'src', 'emulator', 'certificate.js'));
      env.NODE_EXTRA_CA_CERTS = loadOrCreateTls(emulatorCertDir()).caCertPath;
    }
  } else {
    // A build that fails (a type error being fixed) must not stop the tool: run the sources as before.
    process.stderr.write('The build failed; running the TypeScript sources with tsx instead.\n');
    command = ['--import', 'tsx', path.join(ROOT, entry), ...args];
  }
  const child = spawn(process.execPath, command, { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (require.main === module) main();
else module.exports = { isUpToDate };
