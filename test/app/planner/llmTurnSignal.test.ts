/** The model request ends with the turn: a loopback server that never answers shows the abort as a closed socket. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { turnAwareFetch, withTurnSignal } from '../../../src/app/planner/llmTurnSignal';

let server: http.Server;
let url: string;
const received: string[] = [];
let onClosed: (() => void) | undefined;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    received.push(req.url ?? '');
    // Never answers: only the client can end this request.
    res.on('close', () => onClosed?.());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  expect(address.address).toBe('127.0.0.1');
  url = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
});

describe('the turn signal', () => {
  it('aborts a request in flight when the turn gives up, closing its connection', async () => {
    const turn = new AbortController();
    const closed = new Promise<void>((resolve) => (onClosed = resolve));
    const started = new Promise<void>((resolve) => server.once('request', () => resolve()));

    const request = withTurnSignal(turn.signal, () => turnAwareFetch(`${url}/hang`, { method: 'POST', body: '{}' }));
    await started;
    turn.abort();

    await expect(request).rejects.toThrow(/abort/i);
    await closed;
    expect(received).toEqual(['/hang']);
  });

  it('sends nothing once the turn has given up (a retry would fail at once)', async () => {
    const turn = new AbortController();
    turn.abort();

    await expect(withTurnSignal(turn.signal, () => turnAwareFetch(`${url}/retry`))).rejects.toThrow(/abort/i);
    expect(received).toEqual([]);
  });

  it('keeps the client’s own signal too (its timeout)', async () => {
    const client = new AbortController();
    const closed = new Promise<void>((resolve) => (onClosed = resolve));
    const started = new Promise<void>((resolve) => server.once('request', () => resolve()));

    const request = withTurnSignal(new AbortController().signal, () =>
      turnAwareFetch(`${url}/client`, { signal: client.signal }),
    );
    await started;
    client.abort();

    await expect(request).rejects.toThrow(/abort/i);
    await closed;
  });
});
