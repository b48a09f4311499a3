/**
 * CanvasAppsPort over the classic Power Apps admin API: every canvas app of an environment, whoever owns it
 * (Get-AdminPowerApp's route; the api-version is the one the CLI for Microsoft 365 sends), paged by `nextLink`. Admin scope only: the service refuses others with 403, and so
 * does this client (it never falls back to the few apps the identity owns as if they were all).
 */
import type { CanvasApp } from '../tenant/model';
import type { CanvasAppsPort } from '../tenant/ports';
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
}
