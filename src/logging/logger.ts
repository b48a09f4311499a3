/**
 * Structured JSON logging (pino), one child logger per area, with secrets redacted by the logger itself:
 * - by key: any field whose name says it holds a secret is replaced, wherever it sits in the object;
 * - by value: secret values registered at run time (a freshly issued client secret) are scrubbed from every
 *   line written, even when they hide inside an error message or a URL.
 */
import pino, { type Logger } from 'pino';

const SECRET_KEYS = [
  'secretText',
  'clientSecret',
  'client_secret',
  'password',
  'secret',
  'authorization',
  'Authorization',
  'access_token',
  'refresh_token',
  'assertion',
  'client_assertion',
  'token',
  'connectionString',
  'value',
];

const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

const knownSecrets = new Set<string>();

/** Remember a secret value so that it never appears in a log line, whatever field it hides in. */
export function registerSecretValue(value: string): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

export function forgetSecretValue(value: string): void {
  knownSecrets.delete(value);
}

export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  // Bearer tokens and JWTs that slipped into messages.
  return out
    .replace(/Bearer\s+[A-Za-z0-9\-._~+/]+=*/g, 'Bearer [REDACTED]')
    .replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[REDACTED-JWT]');
}

export interface LogSink {
  write(line: string): void;
}

let sink: LogSink = process.stderr;
let root: Logger | undefined;

function build(level: string): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => sink.write(scrubSecrets(line)) },
  );
}

const children = new Map<string, Logger>();

/** Configure the root logger at start-up (level from config; tests may capture lines through `target`). */
export function configureLogging(options: { level?: string; target?: LogSink } = {}): Logger {
  if (options.target) sink = options.target;
  root = build(options.level ?? process.env.LOG_LEVEL ?? 'info');
  children.clear();
  return root;
}

function childFor(area: string): Logger {
  root ??= build(process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'));
  let child = children.get(area);
  if (!child) {
    child = root.child({ area });
    children.set(area, child);
  }
  return child;
}

/**
 * A logger for one area of the code ("approvals", "clients.graph"…). Modules take it at load time, before
 * start-up has configured logging, so it resolves to the current root on every call.
 */
export function getLogger(area: string): Logger {
  return new Proxy({} as Logger, {
    get(_target, property) {
      const logger = childFor(area);
      const value = Reflect.get(logger, property, logger) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(logger) : value;
    },
  });
}

export type { Logger };
