/**
 * A connection's status in plain words: what is wrong and what the owner should do next. The service's own error
 * text ("Failed to refresh access token …") means little to a maker, so it is mapped to a cause and a remedy.
 */
import type { AppRegistration, Connection } from '../tenant/model';
import { credentialsOf } from './tenantFacts';

export type ConnectionCause =
  'ok' | 'tokenRefresh' | 'secretExpired' | 'secretRejected' | 'configurationNeeded' | 'error';

export interface ConnectionExplanation {
  cause: ConnectionCause;
  statusLabel: string;
  /** Plain-words problem; empty when the connection is fine. */
  problem: string;
  /** Plain-words next step; empty when the connection is fine. */
  remedy: string;
}

function looksLikeTokenRefresh(connection: Connection): boolean {
  const error = connection.error;
  if (!error) return false;
  return error.target === 'token' || /refresh|expired.*token|token.*expired|sign.?in|consent/i.test(error.message);
}

/**
 * `app` is the app registration a service-principal connection signs in as, when known: it tells an expired
 * secret (every credential past its end date) from one that was removed or replaced.
 */
export function explainConnection(
  connection: Connection,
  app?: AppRegistration,
  now = new Date(),
): ConnectionExplanation {
  if (connection.status === 'Connected') return { cause: 'ok', statusLabel: 'Connected', problem: '', remedy: '' };
  if (connection.status === 'ConfigurationNeeded') {
    return {
      cause: 'configurationNeeded',
      statusLabel: 'Needs configuration',
      problem: 'The connection was created but never finished: it has no working sign-in yet.',
      remedy: 'Finish configuring it: open the connection and complete its settings, then sign in.',
    };
  }
  if (connection.authType === 'servicePrincipal') {
    const credentials = app ? credentialsOf(app).filter((c) => c.kind === 'secret') : [];
    const allExpired =
      credentials.length > 0 &&
      credentials.every((c) => c.endDateTime !== undefined && new Date(c.endDateTime).getTime() <= now.getTime());
    const appName = app ? `app registration ${app.displayName}` : 'app registration';
    return allExpired
      ? {
          cause: 'secretExpired',
          statusLabel: 'Error',
          problem: `It signs in as the ${appName}, whose client secret has expired, so no token can be obtained.`,
          remedy: 'Rotate the secret: create a new client secret and update the connection with it.',
        }
      : {
          cause: 'secretRejected',
          statusLabel: 'Error',
          problem: `It signs in as the ${appName}, and the client secret stored in the connection is no longer accepted (expired, removed or replaced).`,
          remedy: 'Rotate the secret: create a new client secret and update the connection with it.',
        };
  }
  if (looksLikeTokenRefresh(connection)) {
    return {
      cause: 'tokenRefresh',
      statusLabel: 'Error',
      problem:
        'Its sign-in token could not be refreshed (typically after a password change, MFA or a revoked session).',
      remedy: 'Sign in again: open the connection and choose Fix connection.',
    };
  }
  return {
    cause: 'error',
    statusLabel: 'Error',
    problem: connection.error
      ? `The service reports ${connection.error.code}: ${connection.error.message}`
      : 'The service reports the connection in error without saying why.',
    remedy: 'Open the connection and choose Fix connection; if that fails, delete and recreate it.',
  };
}
