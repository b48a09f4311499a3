/**
 * The floor of a turn's backend reads on this machine: the very requests one bot turn sent (recorded by the
 * emulator), sent again over a keep-alive HTTPS agent set up as the bot's transport sets up its own (keep-alive, lifo,
 * one secure context), each answer only read and JSON.parsed — no HTTP client library, no retry rules, no mapping,
 * no card. The scan bench's raw replay does the same for a whole scan; this one replays turn by turn, right after
 * the turn it copies, so that a machine whose load changes during a row changes both figures alike.
 *
 * A turn's requests are replayed twice: all at once (the least this machine can spend on them: answers that arrive
 * together are read in one wake-up of the event loop) and one after another (each answer its own wake-up, as when a
 * read needs the one before it: a flow before its connections). The bot's turn sits between the two shapes.
 */
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { EmulatorInfo } from '../../src/emulator';
import type { RecordedRequest } from '../../src/emulator/core';

async function control(info: EmulatorInfo, name: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${info.control}/${name}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${name}: ${response.status}`);
  return response.json();
}

export class TurnReplay {
  private readonly agent = new https.Agent({
    keepAlive: true,
    scheduling: 'lifo',
    secureContext: tls.createSecureContext(),
  });
  private readonly target: URL;
  private cpuUs = 0;
  private sequentialCpuUs = 0;
  private turns = 0;
  private requests = 0;
  private bytes = 0;
  private answerBytes = 0;
  /** Answers that were not 2xx (a throttled replay would parse a small error body and look cheaper than it is). */
  notOk = 0;

  constructor(private readonly info: EmulatorInfo) {
    this.target = new URL(info.authorityHost);
  }

  /** Starts a fresh recording: call before the turn to copy (control requests are never recorded). */
  async arm(): Promise<void> {
    await control(this.info, 'recording', { on: true });
  }

  /**
   * Replays what was recorded since arm() and adds its CPU to the row. The first turn of a row is replayed once
   * unmeasured first, as the bot's own turns are warmed: the replay's code is compiled and its sockets open.
   */
  async replayRecorded(): Promise<void> {
    const recorded = ((await control(this.info, 'recorded')) as { value: RecordedRequest[] }).value;
    if (this.turns === 0 && recorded.length) {
      await this.replay(recorded);
      await this.replayInTurn(recorded);
    }
    this.bytes = 0;
    let cpu = process.cpuUsage();
    await this.replay(recorded);
    let used = process.cpuUsage(cpu);
    this.cpuUs += used.user + used.system;
    this.answerBytes += this.bytes;
    cpu = process.cpuUsage();
    await this.replayInTurn(recorded);
    used = process.cpuUsage(cpu);
    this.sequentialCpuUs += used.user + used.system;
    this.turns++;
    this.requests += recorded.length;
  }

  /**
   * Mean CPU ms per replayed turn (all at once, and one after another), requests per turn (must equal the bot's row)
   * and answer KB per turn.
   */
  result(): { cpuMs: number; sequentialCpuMs: number; requests: number; notOk: number; kilobytes: number } {
    return {
      cpuMs: this.turns ? this.cpuUs / 1000 / this.turns : 0,
      sequentialCpuMs: this.turns ? this.sequentialCpuUs / 1000 / this.turns : 0,
      requests: this.turns ? this.requests / this.turns : 0,
      notOk: this.notOk,
      kilobytes: this.turns ? this.answerBytes / 1024 / this.turns : 0,
    };
  }

  async close(): Promise<void> {
    await control(this.info, 'recording', { on: false });
    this.agent.destroy();
  }

  private replay(requests: RecordedRequest[]): Promise<unknown> {
    return Promise.all(requests.map((r) => this.one(r)));
  }

  private async replayInTurn(requests: RecordedRequest[]): Promise<void> {
    for (const r of requests) await this.one(r);
  }

  private one(r: RecordedRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const request = https.request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method: r.method,
          path: r.path,
          headers: r.headers,
          agent: this.agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            this.bytes += text.length;
            if (text) JSON.parse(text);
            const status = response.statusCode ?? 0;
            if (status < 200 || status >= 300) this.notOk++;
            resolve();
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(r.body);
    });
  }
}
