/**
 * Runs a bot — or the demo-tenant emulator — in a child process, the way tests and benches get separate OS
 * processes: the child prints one JSON line when it is ready (serveBot.ts prints {"url"}, `npm run emulator` its
 * EmulatorInfo), and the parent can stop it (SIGTERM, graceful) or kill it (SIGKILL, as a crash would).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { ComposeOptions } from '../../src/compose';
import type { EmulatorInfo } from '../../src/emulator';

export interface Child<T> {
  /** The JSON line the child printed when it was ready. */
  ready: T;
  pid: number;
  /** Resolves when the process has exited, however. */
  exited: Promise<void>;
  stop(): Promise<void>;
  /** SIGKILL: no shutdown hook runs, nothing is flushed — a crash. */
  kill(): Promise<void>;
}

export interface ChildBot extends Child<{ url: string }> {
  url: string;
}

/** The compose() options serveBot.ts takes from the parent (JSON-safe ones only). */
export type ServeBotOptions = Pick<ComposeOptions, 'jobRunner' | 'rotation' | 'tenantPorts'> & {
  /** The notifications service's plain settings (timings); the limiter is chosen by `unlimitedDelivery`. */
  notifications?: Pick<NonNullable<ComposeOptions['notifications']>, 'scanWaitMs' | 'scanLeaseTtlMs' | 'claimMs'>;
  /** The bot's outbox does not hold messages back for Teams' limits (a connector stub that has none). */
  unlimitedDelivery?: boolean;
};

export async function startChild<T>(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  isReady: (line: Record<string, unknown>) => boolean,
): Promise<Child<T>> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test process that dies must not leave its children running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  const lines = readline.createInterface({ input: child.stdout! });
  const ready = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s`)), 60_000);
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (isReady(parsed)) {
          clearTimeout(timer);
          resolve(parsed as T);
        }
      } catch {
        // not our line
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready`));
    });
  });
  const signal = (which: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(which);
      if (which === 'SIGTERM') setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }
    await exited;
  };
  return { ready, pid: child.pid ?? 0, exited, stop: signal('SIGTERM'), kill: signal('SIGKILL') };
}

/**
 * `echo` is the bare teams-ai baseline; `bot` is Connection Ops with its job runner started, configured from
 * `env` on top of this process's environment, and compose() `options`.
 */
export async function startChildBot(
  kind: 'echo' | 'bot',
  env: NodeJS.ProcessEnv = {},
  options: ServeBotOptions = {},
): Promise<ChildBot> {
  const child = await startChild<{ url: string }>(
    `${kind} bot`,
    [path.join(__dirname, 'serveBot.ts'), kind],
    { ...env, SERVE_BOT_OPTIONS: JSON.stringify(options) },
    (line) => typeof line.url === 'string',
  );
  return { ...child, url: child.ready.url };
}

/** The demo tenant in its own process (`npm run emulator`), for several bot processes to share. */
export async function startEmulatorProcess(args: string[] = []): Promise<Child<EmulatorInfo>> {
  return startChild<EmulatorInfo>(
    'emulator',
    [path.join(__dirname, '..', '..', 'src', 'cli', 'emulator.ts'), '--port', '0', ...args],
    {},
    (line) => typeof line.tenantId === 'string' && typeof line.control === 'string',
  );
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function processRssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return Math.round((kb / 1024) * 10) / 10;
  } catch {
    return NaN;
  }
}

/**
 * CPU time a process has used so far in ms (user + system, all its threads, GC included), from /proc (Linux).
 * Per turn it is steadier than req/s on a shared machine: other processes slow the bot down but do not add to it.
 */
export function processCpuMs(pid: number): number {
  try {
    // Fields after the command name: state is the 1st, utime the 12th, stime the 13th (in clock ticks of 10 ms).
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}
