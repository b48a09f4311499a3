/**
 * teams-ai writes to the console: OpenAIModel prints every failed model call with console.log (a stack trace
 * and the HTTP headers), the tools augmentation prints argument parse errors. On stdout that breaks
 * `chat --json`, and it bypasses the redacting logger. In LLM mode the console is therefore routed into the
 * logger (JSON on stderr, secrets scrubbed): nothing the SDK prints reaches stdout.
 */
import { format } from 'node:util';
import { getLogger } from '../../logging/logger';

const log = getLogger('teams-ai');
let routed = false;

export function routeConsoleToLogger(): void {
  if (routed) return;
  routed = true;
  const toLog =
    (level: 'debug' | 'warn') =>
    (...args: unknown[]): void => {
      // Bounded: an error object with its request and headers can be large.
      log[level]({ console: format(...args).slice(0, 4000) }, 'teams-ai console output');
    };
  console.log = toLog('warn');
  console.info = toLog('debug');
  console.debug = toLog('debug');
  console.warn = toLog('warn');
  console.error = toLog('warn');
}
