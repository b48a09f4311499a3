/**
 * Turns what came back from a service (an error body, a status, a network failure) into a TenantApiError with the
 * service's own code and a kind the domain can decide on. Messages name the API and the operation, never a request
 * body (bodies can carry secrets), and are scrubbed of any registered secret value.
 */
import { scrubSecrets } from '../logging/logger';
import { TenantApiError, type TenantErrorKind } from '../tenant/errors';

export function kindForStatus(status: number): TenantErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 408) return 'timeout';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'unavailable';
  return 'badRequest';
}

/**
 * The service's code and message from the body shapes the Microsoft APIs use: `{error:{code,message}}` (Graph,
 * Power Platform, Flow, Dataverse, Key Vault), Entra's `{error, error_description}`, or a bare `{code,message}`.
 */
export function serviceError(body: unknown): { code?: string; message?: string } {
  if (typeof body === 'string') {
    try {
      return body.trim().startsWith('{') ? serviceError(JSON.parse(body)) : {};
    } catch {
      return {};
    }
  }
  if (!body || typeof body !== 'object') return {};
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (error && typeof error === 'object') {
    const inner = error as Record<string, unknown>;
    return { code: asString(inner.code), message: asString(inner.message) };
  }
  if (typeof error === 'string') return { code: error, message: asString(record.error_description) };
  return { code: asString(record.code), message: asString(record.message ?? record.Message) };
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export interface ErrorContext {
  api: string;
  /** Short name of what was attempted, e.g. "GET /applications" or "addPassword". */
  operation: string;
  correlationId?: string;
}

export function errorFromResponse(
  context: ErrorContext,
  status: number,
  body: unknown,
  retryAfter?: number,
): TenantApiError {
  const { code, message } = serviceError(body);
  return new TenantApiError({
    message: scrubSecrets(
      `${context.api} ${context.operation} failed with HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`,
    ),
    code: code ?? `HTTP_${status}`,
    kind: kindForStatus(status),
    api: context.api,
    status,
    retryAfterMs: retryAfter,
    correlationId: context.correlationId,
  });
}

export function networkError(
  context: ErrorContext,
  networkCode: string,
  kind: TenantErrorKind,
  detail: string,
  status?: number,
): TenantApiError {
  const what =
    kind === 'outcomeUnknown'
      ? 'the request may or may not have been applied (the response was lost); check before trying again'
      : kind === 'timeout'
        ? 'the service did not answer in time'
        : 'the service could not be reached';
  return new TenantApiError({
    message: scrubSecrets(
      `${context.api} ${context.operation}: ${what} (${networkCode}${detail ? `: ${detail}` : ''})`,
    ),
    code: kind === 'outcomeUnknown' ? 'OutcomeUnknown' : networkCode,
    kind,
    api: context.api,
    status,
    correlationId: context.correlationId,
    // A plain cause, never the transport's error object: that one holds the request, body and headers included.
    cause: new Error(networkCode),
  });
}
