/**
 * A real Azurite for tests: in memory, on free loopback ports (port 0, read back from its start-up lines),
 * killed in afterAll and, as a last resort, when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The well-known development account key every Azurite accepts (documented, not a secret). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  connectionString: string;
  stop(): Promise<void>;
}

export async function startAzurite(timeoutMs = 20_000): Promise<RunningAzurite> {
  const cwd = mkdtempSync(join(tmpdir(), 'azurite-'));
  const child = spawn(
    process.execPath,
    [
      require.resolve('azurite/dist/src/azurite.js'),
      '--disableTelemetry',
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--loose',
      '--silent',
      ...['--blobHost', '127.0.0.1', '--blobPort', '0'],
      ...['--queueHost', '127.0.0.1', '--queuePort', '0'],
      ...['--tableHost', '127.0.0.1', '--tablePort', '0'],
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await terminate(child);
    rmSync(cwd, { recursive: true, force: true });
  };

  try {
    const ports = await listeningPorts(child, timeoutMs);
    const endpoint = (service: string, port: number) => `${service}Endpoint=http://127.0.0.1:${port}/${ACCOUNT};`;
    const connectionString =
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      endpoint('Blob', ports.Blob) +
      endpoint('Queue', ports.Queue) +
      endpoint('Table', ports.Table);
    return { connectionString, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function listeningPorts(child: ChildProcess, timeoutMs: number): Promise<Record<'Blob' | 'Queue' | 'Table', number>> {
  return new Promise((resolve, reject) => {
    const ports: Partial<Record<string, number>> = {};
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`Azurite did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const m of output.matchAll(/Azurite (Blob|Queue|Table) service is successfully listening at \S+:(\d+)/g)) {
        ports[m[1]] = Number(m[2]);
      }
      if (ports.Blob && ports.Queue && ports.Table) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(ports as Record<'Blob' | 'Queue' | 'Table', number>);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`Azurite exited (code ${code}) before it was ready:\n${output}`)));
    child.once('error', fail);
  });
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
