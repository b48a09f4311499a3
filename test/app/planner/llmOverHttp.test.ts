/**
 * The LLM mode end to end: the chat CLI (a separate process, as `npm run chat` runs it) with the real teams-ai
 * ActionPlanner and OpenAIModel talking HTTPS to a scripted Azure OpenAI stub on loopback. One run of the CLI
 * meets every misbehaviour in turn — 429, 500, a hang, malformed bodies, an unknown action, made-up facts,
 * side-effecting calls, foreign links — and the assertions below read its JSON output and what the stub saw.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emulatorCertDir } from '../../../src/compose';
import { ensureEmulatorCertificate } from '../../../src/emulator';
import {
  passageSentence,
  passageSource,
  startAzureOpenAiStub,
  type AzureOpenAiStub,
  type ChatPrompt,
  type StubResponse,
} from '../../support/azureOpenAiStub';

const root = path.resolve(__dirname, '..', '..', '..');
const API_KEY = 'stub-api-key-0123456789';
const EVIL = 'evil';

interface Message {
  text: string;
  cards: object[];
  entities?: { additionalType?: string[]; citation?: { position: number; appearance: { url?: string } }[] }[];
  feedbackLoopEnabled?: boolean;
  /** Part of a Teams stream (a slow model's turn is announced with an informative update). */
  stream?: 'informative' | 'streaming' | 'final';
}
interface Output {
  id: string;
  replies: Message[];
  notifications: (Message & { to: string })[];
}

/** One question per case; each is one the knowledge base answers with confidence, so passages are shown. */
const Q = {
  rateLimited: 'what is a connection reference?',
  serverError: 'What is a connection reference in a solution?',
  hang: 'How do connection references work?',
  truncated: 'Can I share an OAuth connection with a regular user?',
  html: 'Can I share a connection with a service principal?',
  unknownAction: 'What licence does a technical user need?',
  madeUp: 'Should one connection reference be used across solutions?',
  grounded: 'What is a service principal connection?',
  links: 'How do I create a service principal connection?',
  // Vague enough that the local understanding leaves it to the model (a request shape would be answered locally).
  clarify: 'is it the thing in DEV or the other one?',
  scan: 'what does ConnectionAuthorizationFailed mean?',
  unsubscribe: 'can I stop getting these messages about connections?',
};

/** What the model answers, by the question it is asked. */
function script({ user, system }: ChatPrompt): StubResponse {
  const grounded = passageSentence(system, 1) ?? '';
  const cases: [string, () => StubResponse][] = [
    [Q.rateLimited, () => ({ kind: 'status', status: 429, headers: { 'retry-after': '30' } })],
    [Q.serverError, () => ({ kind: 'status', status: 500 })],
    [Q.hang, () => ({ kind: 'hang' })],
    [Q.truncated, () => ({ kind: 'raw', body: '{"id":"chatcmpl-1","choices":[{"message":{"role":"assist' })],
    [Q.html, () => ({ kind: 'raw', body: '<html><body>Service Unavailable</body></html>' })],
    [Q.unknownAction, () => ({ kind: 'toolCall', name: 'deleteEverything', arguments: '{}' })],
    [
      Q.madeUp,
      () => ({
        kind: 'content',
        content:
          'Each environment can hold at most 25 connection references, and Microsoft charges 2 USD per reference per month from July 2025 [1].',
      }),
    ],
    [Q.grounded, () => ({ kind: 'content', content: `${grounded} [1].` })],
    [
      Q.links,
      () => ({
        kind: 'content',
        content:
          `${grounded} [1]. Follow the [guide](//${EVIL}.example.net/fix). Sign in at www.${EVIL}-example.net/login first. ` +
          `Read more at ${passageSource(system, 1)} [1].`,
      }),
    ],
    [Q.clarify, () => ({ kind: 'content', content: 'Which flow in DEV do you mean?' })],
    [Q.scan, () => ({ kind: 'toolCall', name: 'scanNow', arguments: '{}' })],
    [Q.unsubscribe, () => ({ kind: 'toolCall', name: 'unsubscribe', arguments: '{}' })],
  ];
  const found = cases.find(([asked]) => user === asked);
  // A question with no script is a test mistake: answered 418 so that it shows in the stub's requests.
  return found ? found[1]() : { kind: 'status', status: 418 };
}

const inputs = [
  { id: 'rate-limited', text: Q.rateLimited },
  { id: 'server-error', text: Q.serverError },
  { id: 'hang', text: Q.hang },
  { id: 'truncated', text: Q.truncated },
  { id: 'html', text: Q.html },
  { id: 'unknown-action', text: Q.unknownAction },
  { id: 'made-up', text: Q.madeUp },
  { id: 'grounded', text: Q.grounded },
  { id: 'dislike', feedback: 'dislike', comment: 'Not what I asked' },
  { id: 'links', text: Q.links },
  { id: 'clarify', text: Q.clarify },
  { id: 'scan-proposed', as: 'alexw@example.com', text: Q.scan },
  { id: 'scan-confirmed', as: 'alexw@example.com', click: 'Scan now' },
  { id: 'subscribe', text: 'subscribe' },
  { id: 'unsubscribe-proposed', text: Q.unsubscribe },
  { id: 'unsubscribe-cancelled', click: 'Cancel' },
  { id: 'feedback-as-maker', text: 'answer feedback' },
  { id: 'feedback-as-admin', as: 'alexw@example.com', text: 'answer feedback' },
];

function runChat(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts', ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'error', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // A safety net for a CLI that never exits (the failure this suite guards against), not a timing assertion.
    const kill = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('exit', (status) => {
      clearTimeout(kill);
      resolve({ status, stdout, stderr });
    });
  });
}

const said = (value: unknown) => JSON.stringify(value ?? '').replace(/\\"/g, '"');
const aiLabelled = (m?: Message) => Boolean(m?.entities?.some((e) => e.additionalType?.includes('AIGeneratedContent')));

let stub: AzureOpenAiStub;
let run: { status: number | null; stdout: string; stderr: string };
let byId: Map<string, Output>;
let llmEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  const certDir = emulatorCertDir();
  const caPath = await ensureEmulatorCertificate(certDir);
  stub = await startAzureOpenAiStub(certDir, script);
  llmEnv = {
    NODE_EXTRA_CA_CERTS: caPath,
    AZURE_OPENAI_ENDPOINT: stub.endpoint,
    AZURE_OPENAI_API_KEY: API_KEY,
    AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-stub',
    AZURE_OPENAI_TIMEOUT_MS: '3000',
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'llm-http-')), 'in.jsonl');
  fs.writeFileSync(file, inputs.map((i) => JSON.stringify(i)).join('\n') + '\n');
  run = await runChat(['--jsonl', file], llmEnv);
  byId = new Map(
    run.stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        try {
          const o = JSON.parse(l) as Output;
          return [o.id, o] as const;
        } catch {
          return [`not JSON: ${l.slice(0, 200)}`, { id: '', replies: [], notifications: [] }] as const;
        }
      }),
  );
}, 200_000);

afterAll(async () => {
  await stub?.close();
});

const requestsFor = (asked: string) => stub.requests.filter((r) => r.user === asked);

describe('LLM mode over HTTPS: the stub is the real model endpoint', () => {
  it('listens on loopback only, and the CLI reached it with the key and the deployment', () => {
    expect(stub.address.address).toBe('127.0.0.1');
    expect(stub.requests.length).toBeGreaterThan(0);
    expect(stub.requests[0].path).toMatch(/^\/openai\/deployments\/gpt-4o-stub\/chat\/completions\?api-version=/);
    expect(stub.requests[0].apiKey).toBe(API_KEY);
  });

  it('asked the model only questions it has a script for, each once', () => {
    const asked = stub.requests.map((r) => r.user);
    expect(asked.filter((q) => !Object.values(Q).includes(q))).toEqual([]);
    expect(new Set(asked).size).toBe(asked.length);
  });
});

describe('LLM mode over HTTPS: the SDK never writes to stdout (point 13)', () => {
  it('prints one JSON line per input and nothing else, even when model calls fail', () => {
    expect(run.status).toBe(0);
    expect([...byId.keys()]).toEqual(inputs.map((i) => i.id));
    expect(run.stdout).not.toContain(API_KEY);
    expect(run.stderr).not.toContain(API_KEY);
  });
});

describe('LLM mode over HTTPS: a failing model falls back to the local planner (point 15)', () => {
  it.each(['rate-limited', 'server-error', 'hang', 'truncated', 'html', 'unknown-action'])(
    '%s → the curated article, not an AI message',
    (id) => {
      const replies = byId.get(id)?.replies ?? [];
      // The hang outlasts the 2 s after which the turn says what it is doing; the fallback then ends that stream.
      if (id === 'hang') expect(replies.map((r) => r.stream)).toEqual(['informative', 'final']);
      const reply = replies.find((r) => r.stream !== 'informative');
      expect(reply?.cards.length).toBeGreaterThan(0);
      expect(said(reply)).not.toContain("I'm not sure");
      expect(aiLabelled(reply)).toBe(false);
    },
  );
});

describe('LLM mode over HTTPS: the model call ends with the turn (point 11)', () => {
  it('does not retry a 429, even with Retry-After', () => {
    expect(requestsFor(Q.rateLimited)).toHaveLength(1);
    expect(requestsFor(Q.serverError)).toHaveLength(1);
  });

  it('aborts a hanging request when the turn gives up on it, and does not send it again', () => {
    const hung = requestsFor(Q.hang);
    expect(hung).toHaveLength(1);
    expect(hung[0].abandoned).toBe(true);
  });
});

describe('LLM mode over HTTPS: model-written text (point 9)', () => {
  it('is an AI-labelled message with in-text citations of its sources and feedback buttons', () => {
    const reply = byId.get('grounded')?.replies[0];
    expect(reply?.cards).toEqual([]);
    expect(reply?.text).toMatch(/\[1\]\.$/);
    expect(aiLabelled(reply)).toBe(true);
    const citation = reply?.entities?.[0].citation?.[0];
    expect(citation?.position).toBe(1);
    expect(citation?.appearance.url).toMatch(/^https:\/\/[^/]+\//);
    expect(reply?.text).not.toContain(EVIL);
    expect(reply?.feedbackLoopEnabled).toBe(true);
  });

  it('is not shown when it states a number, price, date or name its passages do not', () => {
    const output = said(byId.get('made-up'));
    expect(output).not.toMatch(/25 connection references|2 USD|July 2025/);
    expect(aiLabelled(byId.get('made-up')?.replies[0])).toBe(false);
    expect(byId.get('made-up')?.replies[0].cards.length).toBeGreaterThan(0);
  });

  it('keeps only links to its cited sources, scheme-less ones included', () => {
    const reply = byId.get('links')?.replies[0];
    expect(aiLabelled(reply)).toBe(true);
    expect(reply?.text).not.toContain(EVIL);
    expect(reply?.text).toMatch(/Read more at https:\/\/\S+ \[1\]\.$/);
  });

  it('stores feedback on an answer, and shows admins the answers users disliked', () => {
    expect(said(byId.get('feedback-as-maker'))).toContain('Only admins can see the feedback on AI answers.');
    const card = said(byId.get('feedback-as-admin')?.replies);
    expect(card).toContain('AI answers users disliked');
    expect(card).toContain(Q.grounded);
    expect(card).toContain('Comment: Not what I asked');
    expect(card).toContain('0 liked, 1 disliked');
  });
});

describe('LLM mode over HTTPS: actions with effects need the user (point 10)', () => {
  it('answers a question the model turned into "scan now" with a card, and scans only on [Scan now]', () => {
    const proposed = byId.get('scan-proposed');
    expect(said(proposed)).toContain('Do you want me to do this?');
    expect(proposed?.notifications).toEqual([]);
    expect(said(byId.get('scan-confirmed'))).not.toContain('Do you want me to do this?');
    expect(said(byId.get('scan-confirmed'))).toMatch(/scan/i);
  });

  it('leaves the notifications on when the user cancels an unsubscribe the model proposed', () => {
    expect(said(byId.get('unsubscribe-proposed'))).toContain('Turn off your notifications.');
    expect(byId.get('unsubscribe-cancelled')?.replies[0].text).toBe('OK, I did nothing.');
  });
});

describe('LLM mode over HTTPS: a clarifying question (point 14)', () => {
  it('reaches the user when it states nothing new', () => {
    const reply = byId.get('clarify')?.replies[0];
    expect(reply?.text).toBe('Which flow in DEV do you mean?');
    expect(aiLabelled(reply)).toBe(true);
  });
});

describe('LLM mode: the endpoint must be https (point 12)', () => {
  it('the chat CLI stops with a clear configuration error', async () => {
    const plain = await runChat(['--json', 'what is a connection reference?'], {
      ...llmEnv,
      AZURE_OPENAI_ENDPOINT: 'http://127.0.0.1:9/',
    });
    expect(plain.status).toBe(78);
    expect(plain.stderr).toContain('AZURE_OPENAI_ENDPOINT: must be an https:// URL');
    expect(plain.stdout).toBe('');
  }, 160_000);
});
