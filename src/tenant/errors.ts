/**
 * Typed errors for everything that crosses a tenant port. `code` is the service's own code where there is one
 * (ConnectionAuthorizationFailed, ConnectionNotFound, Authorization_RequestDenied…) or one of ours below, so the
 * domain can decide by code and the user can be told what happened in plain words.
 */
export type TenantErrorKind =
  | 'throttled' // 429 after the retry budget
  | 'forbidden' // 403
  | 'unauthorized' // 401 / token could not be acquired
  | 'notFound' // 404
  | 'conflict' // 409 / 412
  | 'badRequest' // other 4xx
  | 'unavailable' // 5xx or network errors after the retry budget
  | 'timeout'
  | 'outcomeUnknown'; // a non-idempotent write whose response was lost

export class TenantApiError extends Error {
  readonly code: string;
  readonly kind: TenantErrorKind;
  readonly api: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly correlationId?: string;

  constructor(init: {
    message: string;
    code: string;
    kind: TenantErrorKind;
    api: string;
    status?: number;
    retryAfterMs?: number;
    correlationId?: string;
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.name = 'TenantApiError';
    this.code = init.code;
    this.kind = init.kind;
    this.api = init.api;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.correlationId = init.correlationId;
  }

  get outcomeUnknown(): boolean {
    return this.kind === 'outcomeUnknown';
  }
}

export function isTenantApiError(error: unknown, code?: string): error is TenantApiError {
  return error instanceof TenantApiError && (code === undefined || error.code === code);
}
