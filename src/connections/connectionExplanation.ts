/**
 * A connection's status in plain words: what is wrong and what the owner should do next. The service's own error
 * text ("Failed to refresh access token …") means little to a maker, so it is mapped to a cause and a remedy.
 */
import type { AppRegistration, Connection } from '../tenant/model';
import { credentialsOf } from './tenantFacts';

export type ConnectionCause =
  | 'ok'
  | 'tokenRefresh'
  | 'secretExpired'
  | 'secretRejected'
  | 'appNotFound'
  | 'appDisabled'
  | 'wrongTenant'
  | 'configurationNeeded'
  | 'error';

export interface ConnectionExplanation {
  cause: ConnectionCause;
  statusLabel: string;
  /** Plain-words problem; empty when the connection is fine. */
  problem: string;
  /** Plain-words next step; empty when the connection is fine. */
  remedy: string;
  /** A new client secret is the fix (so [Rotate] fits): every secret expired, or none the app still has is usable. */
  offerRotation: boolean;
}

function looksLikeTokenRefresh(connection: Connection): boolean {
  const error = connection.error;
  if (!error) return false;
  return error.target === 'token' || /refresh|expired.*token|token.*expired|sign.?in|consent/i.test(error.message);
}

const isPast = (end: string | undefined, now: Date) => end !== undefined && Date.parse(end) <= now.getTime();

/**
 * Entra's sign-in error codes that tell service-principal failures apart (AADSTS numbers in the service's text), as
 * Learn's "Microsoft Entra authentication and authorization error codes" lists them: 7000222 expired secret keys,
 * 7000215 invalid secret, 700016 app not found, 7000112 application disabled, 90002 tenant not found. Each code is
 * matched whole: AADSTS9002313 ("request is malformed") is not 90002, and 700030 (a certificate's subject name) and
 * 90023 (an invalid request) say nothing about a disabled app or a missing tenant.
 */
const ENTRA = {
  secretExpired: /AADSTS7000222(?!\d)/i,
  invalidSecret: /AADSTS7000215(?!\d)/i,
  appNotFound: /AADSTS700016(?!\d)/i,
  appDisabled: /AADSTS7000112(?!\d)|\bdisabled\b/i,
  tenantNotFound: /AADSTS90002(?!\d)|tenant .* not found/i,
};

function servicePrincipalExplanation(
  connection: Connection,
  app: AppRegistration | undefined,
  now: Date,
  tenantId: string | undefined,
): ConnectionExplanation {
  const text = connection.error?.message ?? '';
  const error = (problem: string, remedy: string, cause: ConnectionCause, offerRotation = false) => ({
    cause,
    statusLabel: 'Error',
    problem,
    remedy,
    offerRotation,
  });
  const otherTenant =
    connection.servicePrincipalTenantId !== undefined &&
    tenantId !== undefined &&
    connection.servicePrincipalTenantId.toLowerCase() !== tenantId.toLowerCase();
  if (otherTenant || ENTRA.tenantNotFound.test(text)) {
    return error(
      `It signs in to tenant ${connection.servicePrincipalTenantId ?? '(unknown)'}, which is not this one, so the app registration cannot be found there.`,
      'Edit the connection and enter this tenant’s id (Directory (tenant) ID in Entra) with the app’s client id and secret.',
      'wrongTenant',
    );
  }
  if (!app || ENTRA.appNotFound.test(text)) {
    return error(
      `It signs in as the app (client id ${connection.servicePrincipalAppId ?? 'unknown'}), which is no longer in this directory: it was deleted, or the connection names the wrong client id.`,
      'Check the client id in the connection. A deleted app registration can be restored in Entra (Deleted applications) for 30 days; otherwise create a new app registration, its application user, and a new connection, and point the connection references to it.',
      'appNotFound',
    );
  }
  if (ENTRA.appDisabled.test(text)) {
    return error(
      `It signs in as the app registration ${app.displayName}, whose service principal is disabled, so it cannot sign in.`,
      `Ask an Entra admin to enable sign-in for ${app.displayName} (Enterprise applications → Properties → Enabled for users to sign in) if it was disabled by mistake.`,
      'appDisabled',
    );
  }
  const secrets = credentialsOf(app).filter((c) => c.kind === 'secret');
  const current = secrets.filter((c) => !isPast(c.endDateTime, now));
  const allExpired = secrets.length > 0 && current.length === 0;
  if (allExpired || (ENTRA.secretExpired.test(text) && !current.length)) {
    return error(
      `It signs in as the app registration ${app.displayName}, whose client secret has expired, so no token can be obtained.`,
      'Rotate the secret: create a new client secret and update the connection with it.',
      'secretExpired',
      true,
    );
  }
  if (ENTRA.secretExpired.test(text)) {
    return error(
      `It signs in as the app registration ${app.displayName} with a client secret that has expired; the app has ${current.length} current secret${current.length === 1 ? '' : 's'} (${current.map((c) => c.displayName ?? c.keyId).join(', ')}).`,
      'Update the connection with a current secret’s value (from where it is kept, for example Key Vault). A secret’s value is shown only once: if nobody kept it, create a new secret instead.',
      'secretExpired',
      false,
    );
  }
  if (current.length) {
    return error(
      `It signs in as the app registration ${app.displayName}, and the client secret stored in the connection is no longer accepted (it was removed or replaced); the app still has ${current.length} current secret${current.length === 1 ? '' : 's'} (${current.map((c) => c.displayName ?? c.keyId).join(', ')}).`,
      'Update the connection with a current secret’s value (from where it is kept, for example Key Vault). A secret’s value is shown only once: if nobody kept it, create a new secret instead.',
      'secretRejected',
      false,
    );
  }
  return error(
    `It signs in as the app registration ${app.displayName}, which has no current client secret, so no token can be obtained.`,
    'Create a new client secret and update the connection with it.',
    'secretRejected',
    true,
  );
}

/**
 * `app` is the app registration a service-principal connection signs in as, when known: with Entra's error code it
 * tells an expired secret from a removed one, a deleted or disabled app and a connection pointing at another tenant
 * (`tenantId` is this tenant), so "rotate the secret" is offered only when a new secret is the fix.
 */
export function explainConnection(
  connection: Connection,
  app?: AppRegistration,
  now = new Date(),
  tenantId?: string,
): ConnectionExplanation {
  if (connection.status === 'Connected')
    return { cause: 'ok', statusLabel: 'Connected', problem: '', remedy: '', offerRotation: false };
  if (connection.status === 'ConfigurationNeeded') {
    return {
      cause: 'configurationNeeded',
      statusLabel: 'Needs configuration',
      problem: 'The connection was created but never finished: it has no working sign-in yet.',
      remedy: 'Finish configuring it: open the connection and complete its settings, then sign in.',
      offerRotation: false,
    };
  }
  if (connection.authType === 'servicePrincipal') return servicePrincipalExplanation(connection, app, now, tenantId);
  if (looksLikeTokenRefresh(connection)) {
    return {
      cause: 'tokenRefresh',
      statusLabel: 'Error',
      problem:
        'Its sign-in token could not be refreshed (typically after a password change, MFA or a revoked session).',
      remedy: 'Sign in again: open the connection and choose Fix connection.',
      offerRotation: false,
    };
  }
  return {
    cause: 'error',
    statusLabel: 'Error',
    problem: connection.error
      ? `The service reports ${connection.error.code}: ${connection.error.message}`
      : 'The service reports the connection in error without saying why.',
    remedy: 'Open the connection and choose Fix connection; if that fails, delete and recreate it.',
    offerRotation: false,
  };
}
