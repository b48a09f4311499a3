/**
 * CanvasAppsPort over the classic Power Apps admin API: every canvas app of an environment, whoever owns it
 * (Get-AdminPowerApp's route; the api-version is the one the CLI for Microsoft 365 sends), paged by `nextLink`. Admin scope only: the service refuses others with 403, and so
 * does this client (it never falls back to the few apps the identity owns as if they were all). One app is read and
 * its owner changed on the same admin route (Get-AdminPowerApp -AppName; Set-AdminPowerAppOwner's modifyAppOwner,
 * with the api-version the CLI for Microsoft 365's `pa app owner set` sends; sources in src/emulator/routeSources.ts).
 */
import type { CanvasApp } from '../tenant/model';
import type { CanvasAppRole, CanvasAppsPort } from '../tenant/ports';
import type { ApiClient } from './httpClient';
import { mapCanvasApp, type WireCanvasApp } from './mapCanvasApp';
import { segment, withQuery } from './odata';
import { paginatePages } from './paginate';

export class CanvasAppsClient implements CanvasAppsPort {
  constructor(
    private readonly api: ApiClient,
    private readonly baseUrl: string,
  ) {}

  async *listCanvasApps(environmentId: string): AsyncIterable<CanvasApp> {
    const url = withQuery(
      `${this.baseUrl}/providers/Microsoft.PowerApps/scopes/admin/environments/${segment(environmentId)}/apps`,
      { 'api-version': '2017-08-01' },
    );
    for await (const page of paginatePages<WireCanvasApp>(this.api, url, { operation: 'listCanvasApps' })) {
      for (const wire of page) yield mapCanvasApp(wire, environmentId);
    }
  }

  async getCanvasApp(environmentId: string, appId: string): Promise<CanvasApp> {
    const wire = await this.api.get<WireCanvasApp>(
      withQuery(this.appUrl(environmentId, appId), { 'api-version': '2016-11-01' }),
      {
        operation: 'getCanvasApp',
      },
    );
    return mapCanvasApp(wire, environmentId);
  }

  async setCanvasAppOwner(
    environmentId: string,
    appId: string,
    newOwnerId: string,
    roleForOldOwner: CanvasAppRole | undefined,
  ): Promise<void> {
    await this.api.request({
      method: 'POST',
      url: withQuery(`${this.appUrl(environmentId, appId)}/modifyAppOwner`, { 'api-version': '2022-11-01' }),
      operation: 'setCanvasAppOwner',
      body: { newAppOwner: newOwnerId, ...(roleForOldOwner ? { roleForOldAppOwner: roleForOldOwner } : {}) },
      // Making the owner the owner again changes nothing more.
      idempotent: true,
    });
  }

  private appUrl(environmentId: string, appId: string): string {
    return `${this.baseUrl}/providers/Microsoft.PowerApps/scopes/admin/environments/${segment(environmentId)}/apps/${segment(appId)}`;
  }
}
