/**
 * `npm run --silent chat -- [--as USER] [--json] [--jsonl FILE|-] [--data DIR] [TEXT]`
 * A terminal client that runs the same Application in-process (no HTTP) and prints what the bot sends.
 * By default every run starts from a fresh demo tenant and an empty temporary store; --data DIR keeps the store.
 * The JSON output is a contract used by tests, benchmarks and ../shared/qa/score.mjs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { ChatError, ChatSession, type ChatMessage, type ChatTurn, type ChatUser } from '../app/chatSession';
import { compose, type Composition } from '../compose';
import { ConfigError, loadConfig, type Config } from '../config';
import { configureLogging } from '../logging/logger';
import { runTrustingEmulator } from './emulatorTrust';

const DEFAULT_USER = 'meganb@example.com';
/** sysexits' EX_CONFIG, as the server uses for a configuration error. */
const EX_CONFIG = 78;

interface InputLine {
  id?: string;
  text?: string;
  as?: string;
  click?: string;
  inputs?: Record<string, unknown>;
  /** Like or dislike the newest answer of the model, with an optional comment. */
  feedback?: 'like' | 'dislike';
  comment?: string;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      as: { type: 'string', default: DEFAULT_USER },
      json: { type: 'boolean', default: false },
      jsonl: { type: 'string' },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || (!values.jsonl && positionals.length === 0)) {
    process.stdout.write(
      'usage: npm run --silent chat -- [--as USER] [--json] [--jsonl FILE] [--data DIR] [TEXT]\n' +
        '  --as USER     who speaks: a UPN or object id of a demo-tenant user (default meganb@example.com)\n' +
        '  --json        print {"replies":[…],"notifications":[…],"understood":{"intent","entities","confidence"}}\n' +
        '  --jsonl FILE  one JSON input per line: {"id","text","as"}, {"id","as","click","inputs"}\n' +
        '                or {"id","as","feedback":"like"|"dislike","comment"} (on the newest AI answer); FILE - = stdin\n' +
        '  --data DIR    keep the store in DIR across runs (default: a fresh temporary store)\n',
    );
    return values.help ? 0 : 2;
  }

  const dataDir = values.data
    ? path.resolve(values.data)
    : fs.mkdtempSync(path.join(os.tmpdir(), 'connection-ops-chat-'));
  let config: Config;
  try {
    config = loadConfig({ LOG_LEVEL: 'error', ...process.env, DATA_DIR: dataDir });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`chat: ${error.message}\n`);
    if (!values.data) fs.rmSync(dataDir, { recursive: true, force: true });
    return EX_CONFIG;
  }
  configureLogging({ level: config.LOG_LEVEL });
  const composition = await compose(config);
  try {
    const chat = new Chat(composition);
    if (values.jsonl) return await chat.runJsonl(values.jsonl, values.as);
    const user = await chat.user(values.as);
    const turn = await chat.session.say(user, positionals.join(' '));
    if (values.json) process.stdout.write(`${JSON.stringify(await chat.toJson(turn))}\n`);
    else process.stdout.write(render(turn));
    return 0;
  } catch (error) {
    if (error instanceof ChatError) {
      process.stderr.write(`chat: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await composition.close();
    if (!values.data) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

class Chat {
  readonly session: ChatSession;
  private readonly users = new Map<string, ChatUser>();

  constructor(private readonly composition: Composition) {
    this.session = new ChatSession(composition);
  }

  async user(idOrUpn: string): Promise<ChatUser> {
    const cached = this.users.get(idOrUpn.toLowerCase());
    if (cached) return cached;
    const found = await this.composition.ctx.tenant.directory.getUser(idOrUpn);
    if (!found) throw new ChatError(`Unknown user "${idOrUpn}": use a UPN or object id of the tenant.`);
    const user = { id: found.id, displayName: found.displayName, userPrincipalName: found.userPrincipalName };
    this.users.set(idOrUpn.toLowerCase(), user);
    this.users.set(found.id.toLowerCase(), user);
    return user;
  }

  async toJson(turn: ChatTurn): Promise<object> {
    const notifications = [];
    for (const n of turn.notifications) {
      const to = (await this.user(n.toUserId).catch(() => undefined))?.userPrincipalName ?? n.toUserId;
      notifications.push({ to, ...message(n) });
    }
    return {
      replies: turn.replies.map(message),
      notifications,
      ...(turn.understood ? { understood: turn.understood } : {}),
    };
  }

  /** FILE, or "-" for standard input read line by line (each answer is printed before the next line is read). */
  async runJsonl(file: string, defaultUser: string): Promise<number> {
    const lines: AsyncIterable<string> | string[] =
      file === '-'
        ? readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
        : fs.readFileSync(file, 'utf8').split('\n');
    let index = 0;
    for await (const line of lines) {
      if (!line.trim()) continue;
      await this.runLine(line, index++, defaultUser);
    }
    return 0;
  }

  private async runLine(line: string, index: number, defaultUser: string): Promise<void> {
    let input: InputLine;
    try {
      input = JSON.parse(line) as InputLine;
    } catch {
      throw new ChatError(`line ${index + 1} is not valid JSON`);
    }
    const user = await this.user(input.as ?? defaultUser);
    let turn: ChatTurn;
    if (input.feedback === 'like' || input.feedback === 'dislike') {
      turn = await this.session.feedback(user, input.feedback, input.comment ?? '');
    } else if (typeof input.click === 'string') turn = await this.session.click(user, input.click, input.inputs ?? {});
    else if (typeof input.text === 'string') turn = await this.session.say(user, input.text);
    else throw new ChatError(`line ${index + 1} has neither "text" nor "click"`);
    process.stdout.write(`${JSON.stringify({ id: input.id ?? String(index + 1), ...(await this.toJson(turn)) })}\n`);
  }
}

function message(m: ChatMessage): object {
  return {
    text: m.text,
    cards: m.cards,
    ...(m.updated ? { updated: true } : {}),
    ...(m.stream ? { stream: m.stream } : {}),
    ...(m.activityId ? { activityId: m.activityId } : {}),
    ...(m.entities ? { entities: m.entities } : {}),
    ...(m.feedbackLoopEnabled ? { feedbackLoopEnabled: true } : {}),
  };
}

/** Plain-text view of a turn for people at a terminal. */
function render(turn: ChatTurn): string {
  const lines: string[] = [];
  const show = (m: ChatMessage, prefix: string) => {
    const aiGenerated = m.entities?.some((e) => JSON.stringify(e.additionalType ?? '').includes('AIGeneratedContent'));
    if (m.text && m.stream === 'informative') lines.push(`${prefix}… ${m.text}`);
    else if (m.text) lines.push(`${prefix}${aiGenerated ? '(AI-generated) ' : ''}${m.text}`);
    for (const e of m.entities ?? []) {
      for (const c of (e.citation ?? []) as { position: number; appearance: { name: string; url?: string } }[]) {
        lines.push(
          `${prefix}  [${c.position}] ${c.appearance.name}${c.appearance.url ? ` <${c.appearance.url}>` : ''}`,
        );
      }
    }
    for (const card of m.cards) lines.push(...cardText(card).map((l) => `${prefix}  ${l}`));
  };
  for (const reply of turn.replies) show(reply, '');
  for (const n of turn.notifications) {
    lines.push(`→ to ${n.toUserId}${n.updated ? ' (updated)' : ''}:`);
    show(n, '  ');
  }
  return `${lines.join('\n')}\n`;
}

function cardText(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => cardText(n, out));
  else if (node && typeof node === 'object') {
    const r = node as Record<string, unknown>;
    if (r.type === 'TextBlock' && typeof r.text === 'string') out.push(r.text);
    if (r.type === 'FactSet' && Array.isArray(r.facts)) {
      for (const f of r.facts as { title: string; value: string }[]) out.push(`${f.title}: ${f.value}`);
    }
    if (typeof r.type === 'string' && r.type.startsWith('Action.') && typeof r.title === 'string') {
      out.push(`[${r.title}]`);
    }
    for (const [k, v] of Object.entries(r)) if (k !== 'data' && typeof v === 'object') cardText(v, out);
  }
  return out;
}

void runTrustingEmulator(main);
