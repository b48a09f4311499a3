/**
 * Reads a JSON request body ourselves instead of with restify's body parser: restify inflates gzip/deflate bodies
 * through a stream with no error handler (restify/node-restify#1975: one broken gzip body ends the process) and
 * counts its size limit before inflating. Bot Framework channels never compress bodies, so anything but identity
 * is refused before a byte is read, reading stops at the limit, and JSON nested deeper than any activity is refused
 * before parsing (a 40,000-deep object makes later JSON.stringify calls overflow the stack).
 */
import type { IncomingMessage } from 'node:http';
import { BotError } from '../tenant/errors';

export class BodyError extends BotError {
  constructor(
    readonly status: 400 | 411 | 413 | 415,
    message: string,
  ) {
    super('request.bodyRefused', message);
    this.name = 'BodyError';
  }
}

/** An activity is a few levels deep (value.action.data…, entities, channelData); 32 leaves room for cards. */
export const MAX_JSON_DEPTH = 32;

/** Null when the encoding is acceptable (absent or identity), else the reason to answer 415. */
export function refusedEncoding(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const codings = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
  if (codings.every((c) => c === 'identity')) return null;
  return 'Content-Encoding is not supported: send the body uncompressed';
}

/** Depth of the deepest object/array nesting in JSON text, counted without parsing (strings are skipped). */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/** Reads at most `maxBytes` of the body (never inflating it) and parses it as JSON. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const encodingProblem = refusedEncoding(req.headers['content-encoding']);
  if (encodingProblem) throw new BodyError(415, encodingProblem);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyError(413, 'The body is too large');

  // A client that resets after we stopped reading must not become an unhandled 'error' event.
  req.on('error', () => undefined);
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Stop reading; the answer goes out with `Connection: close` so the rest is never read.
        req.pause();
        reject(new BodyError(413, 'The body is too large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve();
    };
    const onError = () => {
      cleanup();
      reject(new BodyError(400, 'The body could not be read'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });

  const text = Buffer.concat(chunks, size).toString('utf8');
  if (text.trim() === '') throw new BodyError(400, 'The body is empty');
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw new BodyError(400, 'The JSON is nested too deeply');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, 'The body is not valid JSON');
  }
}
