/**
 * FlowsPort over the classic Flow API. Listing, single flows and their owners use the admin routes (every flow of
 * the environment, whoever owns it); a user acting as themselves (`asMaker`) falls back to the maker routes when
 * the admin ones refuse them. Start/stop too: for a user the maker route runs the real check that the caller may use
 * each of the flow's connections (ConnectionAuthorizationFailed otherwise). Owners change through modifyPermissions
 * (admin route first, like the rest).
 */
import { isTenantApiError } from '../tenant/errors';
import { pagedList, type PagedList } from '../tenant/pagedList';
import type { Flow, FlowOwner, FlowRun } from '../tenant/model';
import type { FlowsPort } from '../tenant/ports';
import type { ApiClient } from './httpClient';
import { mapFlow, mapFlowOwner, type WireFlow, type WireFlowPermission } from './mapFlow';
import { mapFlowRun, newestRun, type WireFlowRun } from './mapFlowRun';
import { segment, withQuery } from './odata';
import { collect, paginate, paginatePages, paginatePagesOfSize, type PageSizeMemory } from './paginate';

const API_VERSION = { 'api-version': '2016-11-01' };
/** Flows per page of the admin list (as public admin scripts ask; the default is 50). */
const LIST_PAGE = 250;

export class FlowsClient implements FlowsPort {
  /** Set once the admin list was refused: this identity lists as a maker from then on. */
  private makerOnly = false;
  private readonly pageSize: PageSizeMemory = { refused: false };

  /**
   * `asMaker`: an identity that may fall back to the maker routes when the admin ones refuse it (a user acting as
   * themselves). The bot's own client does not: a refused admin route is reported, never answered with the few
   * flows the bot happens to own as if they were all.
   */
  constructor(
    private readonly api: ApiClient,
    private readonly baseUrl: string,
    private readonly options: { asMaker?: boolean } = {},
  ) {}

  listFlows(environmentId: string): PagedList<Flow> {
    return pagedList(() => this.flowPages(environmentId));
  }

  private async *flowPages(environmentId: string): AsyncGenerator<Flow[]> {
    if (!this.makerOnly) {
      const adminUrl = withQuery(
        `${this.baseUrl}/providers/Microsoft.ProcessSimple/scopes/admin/environments/${segment(environmentId)}/v2/flows`,
        API_VERSION,
      );
      const pages = paginatePagesOfSize<WireFlow>(this.api, adminUrl, LIST_PAGE, this.pageSize, {
        operation: 'listFlows(admin)',
      });
      let first: IteratorResult<WireFlow[]>;
      try {
        first = await pages.next();
      } catch (error) {
        if (!(isTenantApiError(error) && (error.kind === 'forbidden' || error.kind === 'unauthorized'))) throw error;
        if (!this.options.asMaker) throw error;
        this.makerOnly = true;
        first = { done: true, value: undefined };
      }
      if (!this.makerOnly) {
        if (!first.done) yield await this.complete(environmentId, first.value);
        for await (const page of pages) yield await this.complete(environmentId, page);
        return;
      }
    }
    const makerUrl = withQuery(`${this.environmentUrl(environmentId)}/flows`, API_VERSION);
    for await (const page of paginatePages<WireFlow>(this.api, makerUrl, { operation: 'listFlows' })) {
      yield page.map((wire) => mapFlow(wire, environmentId));
    }
  }

  /**
   * Whether the admin list's items carry `properties.connectionReferences` is not documented (the CLI for
   * Microsoft 365's recorded list items have none): an item without them is read again, alone, on the admin route.
   */
  private async complete(environmentId: string, page: WireFlow[]): Promise<Flow[]> {
    return Promise.all(
      page.map(async (wire) => {
        if (wire.properties?.connectionReferences !== undefined) return mapFlow(wire, environmentId);
        return mapFlow(await this.getWire(environmentId, wire.name), environmentId);
      }),
    );
  }

  /**
   * On the admin route (scopes/admin): the maker route answers only the flow's owners and co-owners, which the bot
   * is not. An identity that is not an admin (a user acting as themselves) reads through the maker route.
   */
  async getFlow(environmentId: string, flowId: string): Promise<Flow> {
    return mapFlow(await this.getWire(environmentId, flowId), environmentId);
  }

  private async getWire(environmentId: string, flowId: string): Promise<WireFlow> {
    return this.adminOrMaker((admin) =>
      this.api.get<WireFlow>(withQuery(this.flowUrl(environmentId, flowId, admin), API_VERSION), {
        operation: admin ? 'getFlow(admin)' : 'getFlow',
      }),
    );
  }

  async listFlowOwners(environmentId: string, flowId: string): Promise<FlowOwner[]> {
    const wires = await this.adminOrMaker((admin) =>
      collect(
        paginate<WireFlowPermission>(
          this.api,
          withQuery(`${this.flowUrl(environmentId, flowId, admin)}/permissions`, API_VERSION),
          { operation: admin ? 'listFlowOwners(admin)' : 'listFlowOwners' },
        ),
      ),
    );
    return wires.map(mapFlowOwner);
  }

  /**
   * The admin route first, unless this identity was refused it before while the maker route answered; then the
   * maker route. When both refuse alike, the admin route's refusal is the one reported (it names the missing admin
   * right), and the admin route is tried again next time (the right may be granted meanwhile).
   */
  private async adminOrMaker<T>(read: (admin: boolean) => Promise<T>): Promise<T> {
    if (this.makerOnly) return read(false);
    try {
      return await read(true);
    } catch (adminError) {
      const refused =
        isTenantApiError(adminError) && (adminError.kind === 'forbidden' || adminError.kind === 'unauthorized');
      if (!refused || !this.options.asMaker) throw adminError;
      let answer: T;
      try {
        answer = await read(false);
      } catch (makerError) {
        // Refused the same way on both: report the admin route's refusal. A refusal of its own (a flow's
        // connections the caller may not use: ConnectionAuthorizationFailed) says more.
        const same = isTenantApiError(makerError) && makerError.code === adminError.code;
        throw same ? adminError : makerError;
      }
      this.makerOnly = true;
      return answer;
    }
  }

  async startFlow(environmentId: string, flowId: string): Promise<void> {
    await this.adminOrMaker((admin) =>
      this.api.request({
        method: 'POST',
        url: withQuery(`${this.flowUrl(environmentId, flowId, admin)}/start`, API_VERSION),
        operation: admin ? 'startFlow(admin)' : 'startFlow',
        // Turning on a flow that is on leaves it on.
        idempotent: true,
      }),
    );
  }

  async stopFlow(environmentId: string, flowId: string): Promise<void> {
    await this.adminOrMaker((admin) =>
      this.api.request({
        method: 'POST',
        url: withQuery(`${this.flowUrl(environmentId, flowId, admin)}/stop`, API_VERSION),
        operation: admin ? 'stopFlow(admin)' : 'stopFlow',
        idempotent: true,
      }),
    );
  }

  async addFlowOwner(
    environmentId: string,
    flowId: string,
    principal: { id: string; type: 'User' | 'Group' },
    role: 'CanEdit' | 'CanView',
  ): Promise<void> {
    await this.modifyPermissions(environmentId, flowId, 'addFlowOwner', {
      put: [{ properties: { principal: { id: principal.id, type: principal.type }, roleName: role } }],
    });
  }

  /** The delete names the permission by its id, whose last segment is the principal's id for flows. */
  async removeFlowOwner(environmentId: string, flowId: string, principalId: string): Promise<void> {
    await this.modifyPermissions(environmentId, flowId, 'removeFlowOwner', {
      delete: [
        {
          id: `/providers/Microsoft.ProcessSimple/environments/${environmentId}/flows/${flowId}/permissions/${principalId}`,
        },
      ],
    });
  }

  /**
   * The first page of the runs list only (CLI for Microsoft 365 `flow run list --asAdmin`, run-list.ts:81): the
   * service lists runs newest first, as its recorded answer shows, so the newest run is on it; the newest of the
   * page is taken in case it is not. The run history holds the last 28 days: an empty list is "no runs in 28 days".
   */
  async latestRun(environmentId: string, flowId: string): Promise<FlowRun | undefined> {
    const page = await this.adminOrMaker((admin) =>
      this.api.get<{ value?: WireFlowRun[] } | undefined>(
        withQuery(`${this.flowUrl(environmentId, flowId, admin)}/runs`, API_VERSION),
        { operation: admin ? 'latestRun(admin)' : 'latestRun' },
      ),
    );
    return newestRun((page?.value ?? []).map(mapFlowRun));
  }

  private async modifyPermissions(environmentId: string, flowId: string, name: string, body: unknown): Promise<void> {
    await this.adminOrMaker((admin) =>
      this.api.request({
        method: 'POST',
        url: withQuery(`${this.flowUrl(environmentId, flowId, admin)}/modifyPermissions`, API_VERSION),
        operation: admin ? `${name}(admin)` : name,
        body,
        // Putting the same role again, or deleting a permission already gone, changes nothing more.
        idempotent: true,
      }),
    );
  }

  private environmentUrl(environmentId: string, admin = false): string {
    return `${this.baseUrl}/providers/Microsoft.ProcessSimple/${admin ? 'scopes/admin/' : ''}environments/${segment(environmentId)}`;
  }

  private flowUrl(environmentId: string, flowId: string, admin = false): string {
    return `${this.environmentUrl(environmentId, admin)}/flows/${segment(flowId)}`;
  }
}
