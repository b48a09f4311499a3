/**
 * The error catalogue: every failure the bot words for people has a stable code here, and describeError() is the
 * one place that words it — what happened and what to do, for a person (an error card, a gap on a partial answer,
 * a rotation's note), and a short clause for lists, logs and the audit log.
 *
 * Two families:
 * - TenantApiError: anything that failed across a tenant port. Its `code` stays the service's own code
 *   (ConnectionAuthorizationFailed, Authorization_RequestDenied…) so the domain can decide by it; its catalogue
 *   code (`tenant.<kind>`) follows its kind.
 * - BotError: the bot's own refusals and conflicts, each class with one catalogue code and the data it carries.
 */
import { missingPermission, waitInWords } from './missingPermission';

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

/** Catalogue codes of the bot's own errors (BotError subclasses). */
export type BotErrorCode =
  | 'share.refused'
  | 'rotation.mismatch'
  | 'rotation.notFound'
  | 'scan.alreadyRunning'
  | 'scan.leaseLost'
  | 'scan.workerFailed'
  | 'store.versionConflict'
  | 'store.jobReceiptExpired'
  | 'request.bodyRefused'
  | 'request.tokenRejected'
  | 'request.signingKeysUnavailable'
  | 'config.invalid'
  | 'knowledge.invalid'
  | 'chat.usage';

export type ErrorCode = `tenant.${TenantErrorKind}` | BotErrorCode | 'unexpected';

/** A failure of the bot's own (not a service's), with its catalogue code. Subclasses add the data they carry. */
export class BotError extends Error {
  constructor(
    readonly code: BotErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BotError';
  }
}

export function isBotError(error: unknown, code?: BotErrorCode): error is BotError {
  return error instanceof BotError && (code === undefined || error.code === code);
}

export interface ErrorDescription {
  code: ErrorCode;
  /** The headline of an error card: "The service is busy". */
  title: string;
  /** What happened, a sentence for a person. */
  what: string;
  /** What to do next, a sentence for a person. */
  next: string;
  /** What happened in one clause, for a list of what could not be done, logs and the audit log. */
  short: string;
}

/** What an entry's wording may use. Never a request, a body or a transport message: those can carry secrets. */
interface ErrorFacts {
  /** The API in words ("Dataverse"). */
  api: string;
  /** The service's own code, when it is one (not HTTP_503, not ECONNRESET). */
  serviceCode?: string;
  /** The service's own wait, in words ("5 seconds"). */
  wait?: string;
  /** What the bot's identity lacks, in the words of docs/deployment.md (403 only). */
  missing?: string;
  /** A BotError's own message: it names the things involved. */
  message: string;
}

interface CatalogueEntry {
  title: string;
  what: (f: ErrorFacts) => string;
  next: (f: ErrorFacts) => string;
  short: (f: ErrorFacts) => string;
}

const ASK_ADMIN = 'Try again in a minute. If it keeps failing, tell your Power Platform admin and quote the reference.';
const withCode = (text: string, f: ErrorFacts) => (f.serviceCode ? `${text} (${f.serviceCode})` : text);
/** A BotError's message on one line ("Configuration is not valid:\n  - A\n  - B" → "…: A; B"), without its full stop. */
const clause = (message: string) =>
  message
    .replace(/:\s*\n\s*-\s*/, ': ')
    .replace(/\s*\n\s*-\s*/g, '; ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.]$/, '');
const sentence = (message: string) => `${clause(message)}.`;

export const ERROR_CATALOGUE: Record<ErrorCode, CatalogueEntry> = {
  'tenant.throttled': {
    title: 'The service is busy',
    what: (f) => `${f.api} asked me to slow down (throttled).`,
    // A 429 is refused before the service does anything (see clients/httpClient.ts), so nothing changed.
    next: (f) =>
      f.wait
        ? `Try again in ${f.wait} (the service's own wait); nothing was changed.`
        : 'Try again in a minute; nothing was changed.',
    short: (f) =>
      f.wait ? `the service is busy (throttled) and asked to wait ${f.wait}` : 'the service is busy (throttled)',
  },
  'tenant.forbidden': {
    title: 'Not allowed',
    what: (f) => withCode(`${f.api} refused the bot access`, f) + '.',
    next: (f) =>
      f.missing
        ? `Ask a Power Platform admin to fix it: ${f.missing} (docs/deployment.md).`
        : 'Ask a Power Platform admin to check the bot’s permissions (docs/deployment.md).',
    short: (f) =>
      f.missing ? `${f.missing} (see docs/deployment.md)` : withCode('the service refused the bot access', f),
  },
  'tenant.unauthorized': {
    title: 'Sign-in to the tenant failed',
    what: (f) => `I could not sign in to ${f.api}.`,
    next: () => 'Ask an admin to check the bot’s credentials (client id, secret or certificate).',
    short: (f) => withCode('the bot could not sign in to the service', f),
  },
  'tenant.notFound': {
    title: 'Not found',
    what: (f) => withCode(`${f.api} says it does not exist (any more)`, f) + '.',
    next: () => 'Check the name, or ask again to see the current list.',
    short: () => 'it was not found',
  },
  'tenant.conflict': {
    title: 'Changed at the same time',
    what: (f) => `${f.api} refused the change: someone else changed it at the same time.`,
    next: () => 'Ask again to see where it stands now, then try again if it is still needed.',
    short: (f) => withCode('someone else changed it at the same time', f),
  },
  'tenant.badRequest': {
    title: 'The service refused the request',
    what: (f) => withCode(`${f.api} refused the request`, f) + '.',
    next: () => ASK_ADMIN,
    short: (f) => withCode('the service refused the request', f),
  },
  'tenant.unavailable': {
    title: 'A service did not answer',
    what: (f) => `${f.api} is not answering right now.`,
    next: () => 'Try again in a few minutes.',
    short: () => 'the service is unavailable',
  },
  'tenant.timeout': {
    title: 'A service did not answer',
    what: (f) => `${f.api} did not answer in time.`,
    next: () => 'Try again in a few minutes.',
    short: () => 'the service did not answer in time',
  },
  'tenant.outcomeUnknown': {
    title: 'The answer was lost',
    what: (f) => `${f.api} may or may not have made the change: its answer was lost on the way.`,
    next: () => 'Check whether it happened before trying again.',
    short: () => 'the answer was lost, so whether it happened is unknown',
  },
  'share.refused': {
    title: 'Sharing refused',
    what: (f) => sentence(f.message),
    next: () => 'Nothing was shared.',
    short: (f) => `the share was refused: ${clause(f.message)}`,
  },
  'rotation.mismatch': {
    title: 'This approval is for another app',
    what: (f) => sentence(f.message),
    next: () => 'Ask for a new approval for this app; nothing was changed.',
    short: () => 'the approval already started a rotation of another app',
  },
  'rotation.notFound': {
    title: 'Rotation not found',
    what: (f) => sentence(f.message),
    next: () => 'Ask for the rotation again; nothing was changed.',
    short: () => 'there is no such rotation',
  },
  'scan.alreadyRunning': {
    title: 'A scan is already running',
    what: () => 'A tenant scan is already running, on this or another instance.',
    next: () => 'Its digest follows when it ends; there is no need to start another.',
    short: () => 'a scan is already running',
  },
  'scan.leaseLost': {
    title: 'The scan was taken over',
    what: () => 'Another instance took this scan over before it notified anyone.',
    next: () => 'Nothing to do: that instance carries on and sends the digest.',
    short: () => 'the scan lost its lease to another instance',
  },
  'scan.workerFailed': {
    title: 'The scan stopped',
    what: () => 'The tenant scan stopped before it finished.',
    next: () => 'Try "scan now" again. If it keeps failing, tell your Power Platform admin and quote the reference.',
    short: (f) => `the scan stopped: ${clause(f.message)}`,
  },
  'store.versionConflict': {
    title: 'Changed at the same time',
    what: () => 'Someone else changed this at the same moment.',
    next: () => 'Try again: you will see where it stands now.',
    short: () => 'someone else changed it at the same time',
  },
  'store.jobReceiptExpired': {
    title: 'Taken over by another worker',
    what: () => 'Another worker took this job over after it ran past its time.',
    next: () => 'Nothing to do: that worker finishes it.',
    short: () => 'another worker took the job over',
  },
  'request.bodyRefused': {
    title: 'Request refused',
    what: (f) => sentence(f.message),
    next: () => 'Send a smaller, well-formed request.',
    short: (f) => `the request was refused: ${clause(f.message)}`,
  },
  'request.tokenRejected': {
    title: 'Request refused',
    what: () => 'The request’s Bot Framework token is not valid for this bot.',
    next: () => 'Check the bot’s app id (BOT_ID) and that the request comes through Azure Bot Service.',
    short: (f) => clause(f.message),
  },
  'request.signingKeysUnavailable': {
    title: 'Cannot check requests right now',
    what: () => 'The Bot Framework signing keys cannot be fetched, so no request can be checked.',
    next: () => 'Nothing to do: the channel tries again, and requests are checked once the keys are back.',
    short: () => 'the Bot Framework signing keys cannot be fetched',
  },
  'config.invalid': {
    title: 'The configuration is not valid',
    what: (f) => sentence(f.message),
    next: () => 'Fix the settings named above (README, "Configuration") and start again.',
    short: () => 'the configuration is not valid',
  },
  'knowledge.invalid': {
    title: 'A knowledge article is not valid',
    what: (f) => sentence(f.message),
    next: () => 'Fix the article named above and start again.',
    short: (f) => `a knowledge article is not valid: ${clause(f.message)}`,
  },
  'chat.usage': {
    title: 'Cannot do that in the chat client',
    what: (f) => sentence(f.message),
    next: () => 'See "Talking to the bot" in the README for what the chat client takes.',
    short: (f) => `the chat client cannot do that: ${clause(f.message)}`,
  },
  unexpected: {
    title: 'Something went wrong on my side',
    what: () => 'I could not finish that request.',
    next: () => ASK_ADMIN,
    short: () => 'an unexpected error',
  },
};

/** The APIs in the words people know them by. */
const API_NAMES: Record<string, string> = {
  graph: 'Microsoft Graph',
  bap: 'The Power Platform admin API (environments)',
  powerApps: 'The Power Apps admin API',
  powerPlatform: 'The Power Platform API',
  flow: 'The Power Automate API',
  dataverse: 'Dataverse',
  keyVault: 'Key Vault',
  token: 'Microsoft Entra ID (sign-in)',
};

/** Which catalogue entry an error is. Anything not catalogued is `unexpected`. */
export function errorCode(error: unknown): ErrorCode {
  if (isTenantApiError(error)) return `tenant.${error.kind}`;
  if (isBotError(error)) return error.code;
  return 'unexpected';
}

/** The one wording of any error: what happened and what to do, and the short clause for lists, logs and audit. */
export function describeError(error: unknown): ErrorDescription {
  const code = errorCode(error);
  const facts: ErrorFacts = { api: 'The service', message: isBotError(error) ? error.message : '' };
  if (isTenantApiError(error)) {
    facts.api = API_NAMES[error.api] ?? `The ${error.api} API`;
    // A service's own code reads like a name (TooManyRequests, Authorization_RequestDenied); ours do not.
    if (/^[A-Z][a-z]/.test(error.code) && error.kind !== 'outcomeUnknown') facts.serviceCode = error.code;
    if (error.retryAfterMs) facts.wait = waitInWords(error.retryAfterMs);
    facts.missing = missingPermission(error);
  }
  const entry = ERROR_CATALOGUE[code];
  return { code, title: entry.title, what: entry.what(facts), next: entry.next(facts), short: entry.short(facts) };
}
