/**
 * FlowsPort over the classic Flow API. Listing uses the admin route (every flow of the environment) and falls back
 * to the maker route when the identity is not an admin (a user acting as themselves). Single flows, owners and
 * start/stop use the flow's own routes, so turning a flow on runs the real check that the caller may use each
 * of its connections (ConnectionAuthorizationFailed otherwise).
 */
import { isTenantApiError } from '../tenant/errors';
import type { Flow, FlowOwner } from '../tenant/model';
import type { FlowsPort } from '../tenant/ports';
import type { ApiClient } from './httpClient';
import { mapFlow, mapFlowOwner, type WireFlow, type WireFlowPermission } from './mapFlow';
import { segment, withQuery } from './odata';
import { collect, paginate, paginatePages, paginatePagesOfSize, type PageSizeMemory } from './paginate';

const API_VERSION = { 'api-version': '2016-11-01' };
/** Flows per page of the admin list (as public admin scripts ask; the default is 50). */
const LIST_PAGE = 250;

export class FlowsClient implements FlowsPort {
  /** Set once the admin list was refused: this identity lists as a maker from then on. */
  private makerOnly = false;
  private readonly pageSize: PageSizeMemory = { refused: false };

  constructor(
    private readonly api: ApiClient,
    private readonly baseUrl: string,
  ) {}

  async *listFlows(environmentId: string): AsyncIterable<Flow> {
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
        this.makerOnly = true;
        first = { done: true, value: undefined };
      }
      if (!this.makerOnly) {
        if (!first.done) for (const wire of first.value) yield mapFlow(wire, environmentId);
        for await (const page of pages) for (const wire of page) yield mapFlow(wire, environmentId);
        return;
      }
    }
    const makerUrl = withQuery(`${this.environmentUrl(environmentId)}/flows`, API_VERSION);
    for await (const page of paginatePages<WireFlow>(this.api, makerUrl, { operation: 'listFlows' })) {
      for (const wire of page) yield mapFlow(wire, environmentId);
    }
  }

  async getFlow(environmentId: string, flowId: string): Promise<Flow> {
    const wire = await this.api.get<WireFlow>(withQuery(this.flowUrl(environmentId, flowId), API_VERSION), {
      operation: 'getFlow',
    });
    return mapFlow(wire, environmentId);
  }

  async listFlowOwners(environmentId: string, flowId: string): Promise<FlowOwner[]> {
    const url = withQuery(`${this.flowUrl(environmentId, flowId)}/permissions`, API_VERSION);
    const wires = await collect(paginate<WireFlowPermission>(this.api, url, { operation: 'listFlowOwners' }));
    return wires.map(mapFlowOwner);
  }

  async startFlow(environmentId: string, flowId: string): Promise<void> {
    await this.api.request({
      method: 'POST',
      url: withQuery(`${this.flowUrl(environmentId, flowId)}/start`, API_VERSION),
      operation: 'startFlow',
      // Turning on a flow that is on leaves it on.
      idempotent: true,
    });
  }

  async stopFlow(environmentId: string, flowId: string): Promise<void> {
    await this.api.request({
      method: 'POST',
      url: withQuery(`${this.flowUrl(environmentId, flowId)}/stop`, API_VERSION),
      operation: 'stopFlow',
      idempotent: true,
    });
  }

  private environmentUrl(environmentId: string): string {
    return `${this.baseUrl}/providers/Microsoft.ProcessSimple/environments/${segment(environmentId)}`;
  }

  private flowUrl(environmentId: string, flowId: string): string {
    return `${this.environmentUrl(environmentId)}/flows/${segment(flowId)}`;
  }
}
