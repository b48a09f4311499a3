/**
 * What one HTTP exchange takes and gives, whichever route it takes (./transport directly, ./proxiedTransport through
 * a forward proxy): a request with a deadline, a response for every status with its body parsed when it is JSON, and
 * a TransportError carrying the socket's code when no response came.
 */

export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON unless it is already a string. */
  body?: unknown;
  timeoutMs: number;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, unknown>;
  data: unknown;
}

export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** JSON parsed; a body that is not JSON as text; an empty one as ''. */
export function parseBody(body: string | undefined): unknown {
  if (!body) return '';
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
