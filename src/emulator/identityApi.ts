/**
 * Microsoft Entra ID as @azure/identity (MSAL) uses it: OpenID metadata, JWKS and the v2.0 token endpoint.
 * Grants: client_credentials with client_secret (checked against the app's current passwordCredentials: unknown
 * or not yet propagated → AADSTS7000215, expired → AADSTS7000222, both 401 invalid_client) or with a
 * client_assertion signed by one of the app's keyCredentials; `password` (ROPC) for demo users; refresh_token.
 * Errors have Entra's body: error, error_description ("AADSTSnnn: …"), error_codes, timestamp, trace_id,
 * correlation_id, error_uri.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorCore } from './core';
import { HttpError, ok, type RequestContext, type Reply } from './http';
import { decodeJwt, jwks, signJwt, verifyAssertionSignature, verifyEmulatorToken } from './jwt';
import { route, type Route } from './route';
import type { EmuApplication, EmuUser } from './tenantState';

const TOKEN_LIFETIME_S = 3599;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const USER_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export function identityRoutes(): Route[] {
  return [
    route(
      'token',
      'openidConfiguration',
      'GET',
      '/:tenant/v2.0/.well-known/openid-configuration',
      openidConfiguration,
      {
        auth: 'none',
      },
    ),
    route('token', 'jwks', 'GET', '/:tenant/discovery/v2.0/keys', () => ok(jwks()), { auth: 'none' }),
    route('token', 'instanceDiscovery', 'GET', '/common/discovery/instance', instanceDiscovery, { auth: 'none' }),
    route('token', 'token', 'POST', '/:tenant/oauth2/v2.0/token', tokenEndpoint, { auth: 'none' }),
  ];
}

function issuer(core: EmulatorCore): string {
  return `${core.urls.authorityHost}/${core.tenantId}/v2.0`;
}

function openidConfiguration(ctx: RequestContext, core: EmulatorCore): Reply {
  checkTenant(ctx.params.tenant, core);
  const base = `${core.urls.authorityHost}/${core.tenantId}`;
  return ok({
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: issuer(core),
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${core.urls.graph.replace(/\/v1\.0$/, '')}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'tid', 'oid', 'upn', 'name'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  });
}

function instanceDiscovery(_ctx: RequestContext, core: EmulatorCore): Reply {
  const host = new URL(core.urls.authorityHost).host;
  return ok({
    tenant_discovery_endpoint: `${core.urls.authorityHost}/${core.tenantId}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

function tokenEndpoint(ctx: RequestContext, core: EmulatorCore): Reply {
  checkTenant(ctx.params.tenant, core);
  const form = ctx.body instanceof URLSearchParams ? ctx.body : new URLSearchParams();
  const grant = form.get('grant_type');
  const clientId = form.get('client_id') ?? '';
  const scope = form.get('scope') ?? '';
  if (!grant)
    throw entraError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  const app = core.state.index.appsByAppId.get(clientId);
  if (!app) {
    throw entraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${core.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  switch (grant) {
    case 'client_credentials': {
      authenticateClient(form, app, ctx, core);
      const resource = resourceOf(scope);
      return ok(appToken(core, app, resource));
    }
    case 'password': {
      const user = checkPassword(form, core);
      return ok(userTokens(core, app, user, scope));
    }
    case 'refresh_token': {
      const claims = verifyEmulatorToken(form.get('refresh_token') ?? '');
      const user = claims && typeof claims.oid === 'string' ? core.state.index.usersById.get(claims.oid) : undefined;
      if (!claims || (claims as unknown as { typ?: string }).typ !== 'refresh' || !user || !user.accountEnabled) {
        throw entraError(
          400,
          'invalid_grant',
          70000,
          "The provided value for the input parameter 'refresh_token' is not valid.",
        );
      }
      return ok(userTokens(core, app, user, scope));
    }
    default:
      throw entraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);
  }
}

function checkTenant(tenant: string, core: EmulatorCore): void {
  if (tenant.toLowerCase() !== core.tenantId.toLowerCase() && tenant !== 'organizations' && tenant !== 'common') {
    throw entraError(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
}

/** The resource a scope names: `https://graph.microsoft.com/.default` → `https://graph.microsoft.com`. */
export function resourceOf(scope: string): string {
  const resourceScope = scope.split(/\s+/).find((s) => s && !USER_SCOPES.has(s));
  if (!resourceScope) {
    throw entraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
  }
  if (resourceScope.endsWith('/.default')) return resourceScope.slice(0, -'/.default'.length);
  const slash = resourceScope.lastIndexOf('/');
  return slash > 'https://'.length ? resourceScope.slice(0, slash) : 'https://graph.microsoft.com';
}

function authenticateClient(form: URLSearchParams, app: EmuApplication, ctx: RequestContext, core: EmulatorCore): void {
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  const now = core.now().getTime();
  if (secret) {
    const credential = app.passwordCredentials.find((c) => c.secret === secret);
    if (credential && Date.parse(credential.endDateTime) <= now) {
      throw entraError(
        401,
        'invalid_client',
        7000222,
        `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      );
    }
    if (!credential || credential.usableFromMs > Date.now()) {
      throw entraError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
      );
    }
    return;
  }
  if (assertion) {
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
      throw entraError(
        400,
        'invalid_request',
        50027,
        "The client_assertion_type must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
      );
    }
    const decoded = decodeJwt(assertion);
    if (!decoded) throw entraError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');
    const x5t = decoded.header.x5t;
    const x5tS256 = decoded.header['x5t#S256'];
    const key = app.keyCredentials.find((k) => k.x5t === x5t || k.x5tS256 === x5tS256);
    if (!key) {
      throw entraError(
        401,
        'invalid_client',
        700027,
        `Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '${String(x5t ?? x5tS256 ?? '')}']`,
      );
    }
    if (Date.parse(key.endDateTime) <= now) {
      throw entraError(
        401,
        'invalid_client',
        700027,
        `Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${key.x5t}']`,
      );
    }
    if (!verifyAssertionSignature(decoded, key.certificatePem)) {
      throw entraError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    }
    const p = decoded.payload;
    const tokenUrl = `${core.urls.authorityHost}${ctx.url.pathname}`.toLowerCase();
    const audiences = (Array.isArray(p.aud) ? p.aud : [p.aud]).map((a) => String(a).toLowerCase());
    if (p.iss !== app.appId || p.sub !== app.appId) {
      throw entraError(
        401,
        'invalid_client',
        700021,
        "Client assertion application identifier doesn't match 'client_id' parameter.",
      );
    }
    if (!audiences.some((a) => a === tokenUrl || a.endsWith('/oauth2/v2.0/token'))) {
      throw entraError(401, 'invalid_client', 700024, 'Client assertion audience claim does not match Realm issuer.');
    }
    if (typeof p.exp !== 'number' || p.exp * 1000 < Date.now()) {
      throw entraError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
    }
    return;
  }
  throw entraError(
    401,
    'invalid_client',
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );
}

function checkPassword(form: URLSearchParams, core: EmulatorCore): EmuUser {
  const username = (form.get('username') ?? '').toLowerCase();
  const user = core.state.index.usersByUpn.get(username);
  if (!user || form.get('password') !== user.password) {
    throw entraError(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.');
  }
  if (!user.accountEnabled) {
    throw entraError(400, 'invalid_grant', 50057, 'The user account is disabled.');
  }
  return user;
}

function baseClaims(
  core: EmulatorCore,
  resource: string,
): { iat: number; nbf: number; exp: number; iss: string; tid: string; aud: string } {
  const now = Math.floor(Date.now() / 1000);
  return { aud: resource, iss: issuer(core), tid: core.tenantId, iat: now, nbf: now - 5, exp: now + TOKEN_LIFETIME_S };
}

function appToken(core: EmulatorCore, app: EmuApplication, resource: string): object {
  const claims = {
    ...baseClaims(core, resource),
    oid: app.servicePrincipalId,
    sub: app.servicePrincipalId,
    appid: app.appId,
    azp: app.appId,
    idtyp: 'app',
    roles: app.isTenantAdmin ? ['Application.ReadWrite.All', 'Directory.Read.All'] : [],
    ver: '1.0',
  };
  return {
    token_type: 'Bearer',
    expires_in: TOKEN_LIFETIME_S,
    ext_expires_in: TOKEN_LIFETIME_S,
    access_token: signJwt(claims),
  };
}

/** Issues a user's access token for `resource` directly (tests acting as a demo user without the ROPC dance). */
export function userAccessToken(core: EmulatorCore, user: EmuUser, resource: string, appId: string): string {
  return signJwt({
    ...baseClaims(core, resource),
    oid: user.id,
    sub: user.id,
    appid: appId,
    azp: appId,
    idtyp: 'user',
    upn: user.userPrincipalName,
    name: user.displayName,
    scp: 'user_impersonation',
    ver: '1.0',
  });
}

function userTokens(core: EmulatorCore, app: EmuApplication, user: EmuUser, scope: string): object {
  const resource = resourceOf(scope);
  const now = Math.floor(Date.now() / 1000);
  const idToken = signJwt({
    aud: app.appId,
    iss: issuer(core),
    iat: now,
    nbf: now,
    exp: now + TOKEN_LIFETIME_S,
    name: user.displayName,
    oid: user.id,
    preferred_username: user.userPrincipalName,
    sub: user.id,
    tid: core.tenantId,
    ver: '2.0',
  });
  const refresh = signJwt({
    typ: 'refresh',
    oid: user.id,
    appid: app.appId,
    iat: now,
    exp: now + 90 * 86_400,
    jti: randomUUID(),
  });
  return {
    token_type: 'Bearer',
    scope: scope
      .split(/\s+/)
      .filter((s) => s && !USER_SCOPES.has(s))
      .join(' '),
    expires_in: TOKEN_LIFETIME_S,
    ext_expires_in: TOKEN_LIFETIME_S,
    access_token: userAccessToken(core, user, resource, app.appId),
    refresh_token: refresh,
    id_token: idToken,
    client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: core.tenantId })).toString('base64url'),
  };
}

export function entraError(status: number, error: string, code: number, description: string): HttpError {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return new HttpError(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}
