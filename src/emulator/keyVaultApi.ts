/**
 * Azure Key Vault secrets as @azure/keyvault-secrets speaks them, at the server's root (`/secrets/...`; the SDK
 * parses secret ids as `/secrets/{name}/{version}`, so the vault cannot sit under a path prefix): set (each PUT a
 * new version), get latest or one version (a disabled one is refused, as Key Vault does), update a version's
 * attributes and tags (PATCH: how a version is disabled), list versions. Challenge authentication is done by the server (401 with
 * WWW-Authenticate when no token). Only the demo bot's app has an access policy; others get 403.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorCore } from './core';
import { apiError, jsonBody, ok, type Reply, type RequestContext } from './http';
import { route, type Route } from './route';
import type { VaultSecretVersion } from './tenantState';

export function keyVaultRoutes(): Route[] {
  return [
    route('keyVault', 'setSecret', 'PUT', '/secrets/:name', setSecret),
    route('keyVault', 'listSecretVersions', 'GET', '/secrets/:name/versions', listVersions),
    route('keyVault', 'getSecret', 'GET', '/secrets/:name', getSecret),
    route('keyVault', 'getSecret', 'GET', '/secrets/:name/:version', getSecret),
    route('keyVault', 'updateSecret', 'PATCH', '/secrets/:name/:version', updateSecret),
  ];
}

function authorize(ctx: RequestContext, permission: string): void {
  if (!ctx.caller.isTenantAdmin) {
    throw apiError(
      403,
      'Forbidden',
      `The user, group or application 'appid=${ctx.caller.appId};oid=${ctx.caller.oid}' does not have secrets ${permission} permission on key vault 'emulator'.`,
      {
        innererror: { code: 'AccessDenied' },
      },
    );
  }
}

function checkName(name: string): void {
  if (!/^[0-9a-zA-Z-]{1,127}$/.test(name)) {
    throw apiError(
      400,
      'BadParameter',
      'The request URI contains an invalid name: only 0-9, a-z, A-Z and - are allowed.',
    );
  }
}

function secretId(core: EmulatorCore, name: string, version: string): string {
  return `${core.urls.keyVault}/secrets/${name}/${version}`;
}

function attributes(v: VaultSecretVersion): Record<string, unknown> {
  return {
    enabled: v.enabled,
    ...(v.nbf !== undefined ? { nbf: v.nbf } : {}),
    ...(v.exp !== undefined ? { exp: v.exp } : {}),
    created: v.created,
    updated: v.updated,
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: 90,
  };
}

function bundle(core: EmulatorCore, name: string, v: VaultSecretVersion): Record<string, unknown> {
  return {
    value: v.value,
    ...(v.contentType ? { contentType: v.contentType } : {}),
    id: secretId(core, name, v.version),
    attributes: attributes(v),
    tags: v.tags,
  };
}

function setSecret(ctx: RequestContext, core: EmulatorCore): Reply {
  authorize(ctx, 'set');
  const name = ctx.params.name;
  checkName(name);
  const body = jsonBody(ctx) as {
    value?: unknown;
    contentType?: unknown;
    tags?: unknown;
    attributes?: { enabled?: unknown; nbf?: unknown; exp?: unknown };
  };
  if (typeof body.value !== 'string') throw apiError(400, 'BadParameter', 'Property value is required.');
  const now = Math.floor(Date.now() / 1000);
  const version: VaultSecretVersion = {
    version: randomBytes(16).toString('hex'),
    value: body.value,
    contentType: typeof body.contentType === 'string' ? body.contentType : undefined,
    tags: body.tags && typeof body.tags === 'object' ? (body.tags as Record<string, string>) : {},
    enabled: body.attributes?.enabled !== false,
    nbf: typeof body.attributes?.nbf === 'number' ? body.attributes.nbf : undefined,
    exp: typeof body.attributes?.exp === 'number' ? body.attributes.exp : undefined,
    created: now,
    updated: now,
  };
  const versions = core.state.vault.get(name.toLowerCase()) ?? [];
  versions.push(version);
  core.state.vault.set(name.toLowerCase(), versions);
  return ok(bundle(core, name, version));
}

function versionsOf(core: EmulatorCore, name: string): VaultSecretVersion[] {
  const versions = core.state.vault.get(name.toLowerCase());
  if (!versions?.length) {
    throw apiError(
      404,
      'SecretNotFound',
      `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    );
  }
  return versions;
}

function getSecret(ctx: RequestContext, core: EmulatorCore): Reply {
  authorize(ctx, 'get');
  const name = ctx.params.name;
  const versions = versionsOf(core, name);
  const wanted = ctx.params.version;
  const version = wanted ? versions.find((v) => v.version === wanted.toLowerCase()) : versions[versions.length - 1];
  if (!version) {
    throw apiError(404, 'SecretNotFound', `A secret with (name/id) ${name}/${wanted} was not found in this key vault.`);
  }
  if (!version.enabled) {
    throw apiError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', {
      innererror: { code: 'SecretDisabled' },
    });
  }
  return ok(bundle(core, name, version));
}

/** PATCH one version: attributes (enabled, nbf, exp), tags, contentType; the answer carries no value. */
function updateSecret(ctx: RequestContext, core: EmulatorCore): Reply {
  authorize(ctx, 'set');
  const name = ctx.params.name;
  const version = versionsOf(core, name).find((v) => v.version === ctx.params.version.toLowerCase());
  if (!version) {
    throw apiError(
      404,
      'SecretNotFound',
      `A secret with (name/id) ${name}/${ctx.params.version} was not found in this key vault.`,
    );
  }
  const body = jsonBody(ctx) as {
    contentType?: unknown;
    tags?: unknown;
    attributes?: { enabled?: unknown; nbf?: unknown; exp?: unknown };
  };
  if (typeof body.attributes?.enabled === 'boolean') version.enabled = body.attributes.enabled;
  if (typeof body.attributes?.nbf === 'number') version.nbf = body.attributes.nbf;
  if (typeof body.attributes?.exp === 'number') version.exp = body.attributes.exp;
  if (typeof body.contentType === 'string') version.contentType = body.contentType;
  if (body.tags && typeof body.tags === 'object') version.tags = body.tags as Record<string, string>;
  version.updated = Math.floor(Date.now() / 1000);
  const { value: _value, ...properties } = bundle(core, name, version);
  return ok(properties);
}

function listVersions(ctx: RequestContext, core: EmulatorCore): Reply {
  authorize(ctx, 'list');
  const name = ctx.params.name;
  const versions = versionsOf(core, name);
  return ok({
    value: versions.map((v) => ({
      id: secretId(core, name, v.version),
      attributes: attributes(v),
      tags: v.tags,
      ...(v.contentType ? { contentType: v.contentType } : {}),
    })),
    nextLink: null,
  });
}
