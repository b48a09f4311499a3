/**
 * CPU profile of per-user turns, as the per-user bench runs them (scale tenant, 25 ms per request, throttling on,
 * the clock moved a minute before each turn so every row is read live), recording only the measured turns.
 * `node --import tsx bench/support/profileTurns.ts` (demo mode re-runs itself trusting the emulator). Writes
 * PROFILE_OUT (default /tmp/peruser.cpuprofile) for Chrome DevTools / speedscope, and prints the top functions by
 * self time. Env: PROFILE_SIZE (default 100000), PROFILE_WHO (lynner|adelev|meganb, default lynner), PROFILE_TURNS,
 * PROFILE_AGAIN=1 (the clock does not move: no live reads).
 */
import * as fs from 'node:fs';
import * as inspector from 'node:inspector/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSession, type ChatUser } from '../../src/app/chatSession';
import { runTrustingEmulator } from '../../src/cli/emulatorTrust';
import { AdjustableClock } from '../../src/clock';
import { compose } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { configureLogging } from '../../src/logging/logger';
import { startEmulatorProcess } from '../../test/support/childBot';

const USERS: Record<string, { user: ChatUser; text: string }> = {
  lynner: {
    user: {
      id: '00000000-0000-0000-0000-0000000000025',
      userPrincipalName: 'lynner@example.com',
      displayName: 'Lynne Robbins',
    },
    text: 'show my connections',
  },
  meganb: {
    user: {
      id: '00000000-0000-0000-0000-0000000000021',
      userPrincipalName: 'meganb@example.com',
      displayName: 'Megan Bowen',
    },
    text: 'show my connections',
  },
  adelev: {
    user: {
      id: '00000000-0000-0000-0000-0000000000022',
      userPrincipalName: 'adelev@example.com',
      displayName: 'Adele Vance',
    },
    text: "why can't I turn on Weekly report",
  },
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

async function main(): Promise<number> {
  configureLogging({ level: 'silent' });
  const size = Number(process.env.PROFILE_SIZE ?? 100000);
  const turns = Number(process.env.PROFILE_TURNS ?? 20);
  const who = USERS[process.env.PROFILE_WHO ?? 'lynner'];
  const emulator = await startEmulatorProcess([
    '--scale',
    `42:${size}`,
    '--extra-connections',
    `lynner@example.com:500:${process.env.PROFILE_EXTRA_ENVS ?? 4}`,
    '--latency',
    '25',
    '--faults',
    '*:throttle=default',
  ]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-peruser-'));
  const composition = await compose(
    loadConfig({
      ...process.env,
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      EMULATOR_INFO: JSON.stringify(emulator.ready),
    }),
  );
  try {
    const session = new ChatSession(composition);
    const clock = composition.ctx.clock as AdjustableClock;
    await composition.tenantIndex.refresh();
    for (let i = 0; i < 5; i++) {
      clock.advance(61_000);
      await session.say(who.user, who.text);
    }
    const count = async () =>
      ((await (await fetch(`${emulator.ready.control}/requestCount`)).json()) as { count: number }).count;
    const requestsBefore = await count();
    const profiler = new inspector.Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: Number(process.env.PROFILE_INTERVAL_US ?? 100) });
    await profiler.post('Profiler.start');
    const cpu = process.cpuUsage();
    let last = '';
    for (let i = 0; i < turns; i++) {
      // PROFILE_AGAIN=1: the second look within a minute (no live read), i.e. what a turn costs besides its reads.
      if (!process.env.PROFILE_AGAIN) clock.advance(61_000);
      last = JSON.stringify((await session.say(who.user, who.text)).replies);
    }
    const used = process.cpuUsage(cpu);
    const { profile } = (await profiler.post('Profiler.stop')) as {
      profile: { nodes: ProfileNode[]; samples: number[] };
    };
    const requests = (await count()) - requestsBefore;
    fs.writeFileSync(process.env.PROFILE_OUT ?? '/tmp/peruser.cpuprofile', JSON.stringify(profile));
    process.stdout.write(
      `CPU ms/turn (with the profiler on): ${((used.user + used.system) / 1000 / turns).toFixed(2)}\n`,
    );
    process.stdout.write(`reply bytes: ${last.length}, backend requests/turn: ${(requests / turns).toFixed(1)}\n`);
    const self = new Map<string, number>();
    const hits = new Map<number, number>();
    for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
    let total = 0;
    for (const node of profile.nodes) {
      const n = hits.get(node.id) ?? 0;
      total += n;
      const f = node.callFrame;
      const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*node_modules\//, 'nm/').replace(/^.*h-cpu\//, '')}:${f.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + n);
    }
    const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROFILE_TOP ?? 40));
    for (const [k, v] of top) process.stdout.write(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}\n`);
    return 0;
  } finally {
    await composition.close();
    await emulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void runTrustingEmulator(main);
