/**
 * A local HTTPS stand-in for the Azure OpenAI chat-completions API (POST
 * /openai/deployments/{deployment}/chat/completions), on loopback only, with the demo tenant's certificate (the
 * chat CLI trusts it already). Each request is answered by a script chosen from the user's message, so one chat
 * run can meet a 429, a 500, a hang, a malformed body, a tool call or a written answer, turn by turn. The stub
 * records what it received and whether the client hung up on a request it was still holding.
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { loadOrCreateTls } from '../../src/emulator/certificate';

export type StubResponse =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'hang' }
  | { kind: 'raw'; body: string }
  | { kind: 'toolCall'; name: string; arguments: string }
  | { kind: 'content'; content: string }
  /** Held until `until` settles (an event of the test), then answered with `then`. */
  | { kind: 'later'; until: Promise<unknown>; then: StubResponse };

export interface ChatPrompt {
  /** The last user message: what the person typed. */
  user: string;
  /** The system message: instructions and the knowledge passages shown. */
  system: string;
}

export interface StubRequest {
  user: string;
  path: string;
  apiKey: string | undefined;
  /** True once the client closed the connection while the stub was still holding the response. */
  abandoned: boolean;
}

export interface AzureOpenAiStub {
  endpoint: string;
  /** The address the server listens on, from the server itself. */
  address: AddressInfo;
  requests: StubRequest[];
  close(): Promise<void>;
}

export async function startAzureOpenAiStub(
  certDir: string,
  script: (prompt: ChatPrompt) => StubResponse,
): Promise<AzureOpenAiStub> {
  const tls = loadOrCreateTls(certDir);
  const requests: StubRequest[] = [];
  const held = new Set<import('node:http').ServerResponse>();
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const prompt = promptOf(Buffer.concat(chunks).toString('utf8'));
      const record: StubRequest = {
        user: prompt.user,
        path: req.url ?? '',
        apiKey: req.headers['api-key'] as string | undefined,
        abandoned: false,
      };
      requests.push(record);
      answer(script(prompt), record);
    });
    function answer(response: StubResponse, record: StubRequest): void {
      switch (response.kind) {
        case 'later':
          void response.until.then(
            () => answer(response.then, record),
            () => answer(response.then, record),
          );
          return;
        case 'hang':
          held.add(res);
          res.on('close', () => {
            held.delete(res);
            if (!res.writableEnded) record.abandoned = true;
          });
          return;
        case 'status':
          res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
          res.end(response.body ?? JSON.stringify({ error: { code: String(response.status), message: 'scripted' } }));
          return;
        case 'raw':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(response.body);
          return;
        case 'toolCall':
          return json(res, {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: response.name, arguments: response.arguments } },
            ],
          });
        case 'content':
          return json(res, { role: 'assistant', content: response.content });
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${address.port}`,
    address,
    requests,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: import('node:http').ServerResponse, message: object): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: 'chatcmpl-stub',
      object: 'chat.completion',
      created: 0,
      model: 'gpt-4o',
      choices: [{ index: 0, finish_reason: 'stop', message }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }),
  );
}

function promptOf(body: string): ChatPrompt {
  try {
    const parsed = JSON.parse(body) as { messages?: { role: string; content: unknown }[] };
    const messages = parsed.messages ?? [];
    const text = (m?: { content: unknown }) =>
      typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content);
    return {
      user: text([...messages].reverse().find((m) => m.role === 'user')),
      system: messages
        .filter((m) => m.role === 'system')
        .map(text)
        .join('\n'),
    };
  } catch {
    return { user: '', system: '' };
  }
}

/** The first sentence (or line) of knowledge passage [n] as the prompt showed it, without its final stop: a
 * statement grounded by construction. */
export function passageSentence(system: string, n: number): string | undefined {
  const block = system.split(/\n\n(?=\[\d+\] )/).find((b) => b.startsWith(`[${n}] `));
  const line = block?.split('\n')[1] ?? '';
  const sentence = line.match(/^.*?[.!?](?=\s|$)/)?.[0] ?? line;
  return sentence.replace(/[.!?:]+$/, '') || undefined;
}

/** The first source URL of passage [n]. */
export function passageSource(system: string, n: number): string | undefined {
  const block = system.split(/\n\n(?=\[\d+\] )/).find((b) => b.startsWith(`[${n}] `));
  return block?.match(/Sources: [^<]*<([^>]+)>/)?.[1];
}
