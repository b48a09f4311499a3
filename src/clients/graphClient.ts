/**
 * DirectoryPort over Microsoft Graph: users, groups, app registrations and their password credentials.
 * Also a user's manager. addPassword is the one non-idempotent write: it is sent once, and a lost answer surfaces as `outcomeUnknown`.
 * Owners of many apps are read 20 at a time through JSON batching ($batch).
 */
import { registerSecretValue } from '../logging/logger';
import type { AppRegistration, Group, NewPasswordCredential, User } from '../tenant/model';
import { isTenantApiError } from '../tenant/errors';
import { pagedList, type PagedList } from '../tenant/pagedList';
import type { DirectoryPort, OwnerIdsResult } from '../tenant/ports';
import { errorFromResponse, serviceError } from './errorMapping';
import type { ApiClient } from './httpClient';
import {
  APPLICATION_SELECT,
  mapApplication,
  mapGroup,
  mapNewPasswordCredential,
  mapUser,
  USER_SELECT,
  type WireApplication,
  type WireGroup,
  type WirePasswordCredential,
  type WireUser,
} from './mapDirectory';
import { odataString, withQuery } from './odata';
import { paginate, paginatePages } from './paginate';

/** Graph answers at most 20 requests per $batch. */
const BATCH_LIMIT = 20;

interface WireBatchResponse {
  id: string;
  status: number;
  body?: { value?: { id: string }[]; '@odata.nextLink'?: string };
}

export class GraphClient implements DirectoryPort {
  constructor(
    private readonly api: ApiClient,
    private readonly baseUrl: string,
  ) {}

  private url(path: string, query: Record<string, string> = {}): string {
    return withQuery(`${this.baseUrl}${path}`, query);
  }

  async getUser(idOrUpn: string): Promise<User | undefined> {
    const wire = await this.api.find<WireUser>(
      this.url(`/users/${encodeURIComponent(idOrUpn)}`, { $select: USER_SELECT }),
      { operation: 'getUser' },
    );
    return wire ? mapUser(wire) : undefined;
  }

  /**
   * Graph answers 404 Request_ResourceNotFound both when the user has no manager (the message names 'manager') and
   * when the user does not exist (it names the user): the first is "no manager", the second an error.
   */
  async getManager(userIdOrUpn: string): Promise<User | undefined> {
    const response = await this.api.request<WireUser>({
      method: 'GET',
      url: this.url(`/users/${encodeURIComponent(userIdOrUpn)}/manager`, { $select: USER_SELECT }),
      operation: 'getManager',
      acceptStatuses: [404],
    });
    if (response.status !== 404) return mapUser(response.data);
    if (/'manager'/i.test(serviceError(response.data).message ?? '')) return undefined;
    throw errorFromResponse(
      { api: 'graph', operation: 'getManager', correlationId: response.correlationId },
      404,
      response.data,
    );
  }

  listUsers(): PagedList<User> {
    const url = this.url('/users', { $select: USER_SELECT, $top: '999' });
    const api = this.api;
    return pagedList(async function* () {
      for await (const page of paginatePages<WireUser>(api, url, { operation: 'listUsers' }))
        yield page.map((wire) => mapUser(wire));
    });
  }

  async findGroupByName(displayName: string): Promise<Group | undefined> {
    const url = this.url('/groups', {
      $filter: `displayName eq ${odataString(displayName)}`,
      $select: 'id,displayName',
    });
    for await (const wire of paginate<WireGroup>(this.api, url, { operation: 'findGroupByName' })) {
      if (wire.displayName === displayName) return mapGroup(wire);
    }
    return undefined;
  }

  async listGroupMemberIds(groupId: string): Promise<string[]> {
    const url = this.url(`/groups/${encodeURIComponent(groupId)}/transitiveMembers`, { $select: 'id', $top: '999' });
    const ids: string[] = [];
    for await (const member of paginate<{ id: string }>(this.api, url, { operation: 'listGroupMembers' })) {
      ids.push(member.id);
    }
    return ids;
  }

  listApplications(): PagedList<AppRegistration> {
    const url = this.url('/applications', { $select: APPLICATION_SELECT, $top: '999' });
    const api = this.api;
    return pagedList(async function* () {
      for await (const page of paginatePages<WireApplication>(api, url, { operation: 'listApplications' })) {
        yield page.map((wire) => mapApplication(wire));
      }
    });
  }

  async getApplication(objectId: string): Promise<AppRegistration> {
    const wire = await this.api.get<WireApplication>(
      this.url(`/applications/${encodeURIComponent(objectId)}`, { $select: APPLICATION_SELECT }),
      { operation: 'getApplication' },
    );
    return mapApplication(wire);
  }

  async findApplicationByAppId(appId: string): Promise<AppRegistration | undefined> {
    const url = this.url('/applications', { $filter: `appId eq ${odataString(appId)}`, $select: APPLICATION_SELECT });
    for await (const wire of paginate<WireApplication>(this.api, url, { operation: 'findApplicationByAppId' })) {
      if (wire.appId === appId) return mapApplication(wire);
    }
    return undefined;
  }

  /** Object id of the service principal of an app (client) id; undefined when the tenant has none. */
  async findServicePrincipalIdByAppId(appId: string): Promise<string | undefined> {
    const url = this.url('/servicePrincipals', { $filter: `appId eq ${odataString(appId)}`, $select: 'id,appId' });
    for await (const wire of paginate<{ id: string; appId?: string }>(this.api, url, {
      operation: 'findServicePrincipal',
    })) {
      if (wire.appId?.toLowerCase() === appId.toLowerCase()) return wire.id;
    }
    return undefined;
  }

  async listApplicationOwnerIds(objectId: string): Promise<string[]> {
    const url = this.url(`/applications/${encodeURIComponent(objectId)}/owners`, { $select: 'id' });
    const ids: string[] = [];
    for await (const owner of paginate<{ id: string }>(this.api, url, { operation: 'listApplicationOwners' })) {
      ids.push(owner.id);
    }
    return ids;
  }

  async listOwnerIdsOfApplications(objectIds: string[]): Promise<OwnerIdsResult[]> {
    const batches: string[][] = [];
    for (let i = 0; i < objectIds.length; i += BATCH_LIMIT) batches.push(objectIds.slice(i, i + BATCH_LIMIT));
    return (await Promise.all(batches.map((ids) => this.ownersBatch(ids)))).flat();
  }

  /**
   * One $batch of owner reads. A read the batch could not answer completely (an error or a 429 inside it, or owners
   * paged beyond the first page) is made again on its own, with the HTTP layer's retries; a batch refused as such
   * (a service without $batch) falls back to one request per app.
   */
  private async ownersBatch(ids: string[]): Promise<OwnerIdsResult[]> {
    const alone = (objectId: string): Promise<OwnerIdsResult> =>
      this.listApplicationOwnerIds(objectId).then(
        (ownerIds) => ({ objectId, ownerIds }),
        (error: unknown) => ({ objectId, error }),
      );
    let responses: WireBatchResponse[];
    try {
      const answer = await this.api.request<{ responses?: WireBatchResponse[] }>({
        method: 'POST',
        url: `${this.baseUrl}/$batch`,
        operation: 'listApplicationOwners($batch)',
        body: {
          requests: ids.map((id, i) => ({
            id: String(i),
            method: 'GET',
            url: `/applications/${encodeURIComponent(id)}/owners?$select=id`,
          })),
        },
        // Reads only: sending the batch twice reads twice.
        idempotent: true,
      });
      responses = answer.data?.responses ?? [];
    } catch (error) {
      if (isTenantApiError(error) && (error.kind === 'badRequest' || error.kind === 'notFound')) {
        return Promise.all(ids.map(alone));
      }
      return ids.map((objectId) => ({ objectId, error }));
    }
    const byId = new Map(responses.map((r) => [String(r.id), r]));
    return Promise.all(
      ids.map((objectId, i): OwnerIdsResult | Promise<OwnerIdsResult> => {
        const response = byId.get(String(i));
        const value = response?.body?.value;
        const complete = response?.status === 200 && Array.isArray(value) && !response.body?.['@odata.nextLink'];
        return complete ? { objectId, ownerIds: value.map((owner) => owner.id) } : alone(objectId);
      }),
    );
  }

  async addPassword(
    objectId: string,
    credential: { displayName: string; endDateTime: string },
  ): Promise<NewPasswordCredential> {
    const response = await this.api.request<WirePasswordCredential>({
      method: 'POST',
      url: this.url(`/applications/${encodeURIComponent(objectId)}/addPassword`),
      operation: 'addPassword',
      body: { passwordCredential: { displayName: credential.displayName, endDateTime: credential.endDateTime } },
    });
    if (response.data?.secretText) registerSecretValue(response.data.secretText);
    return mapNewPasswordCredential(response.data, credential);
  }

  async removePassword(objectId: string, keyId: string): Promise<void> {
    await this.api.request({
      method: 'POST',
      url: this.url(`/applications/${encodeURIComponent(objectId)}/removePassword`),
      operation: 'removePassword',
      body: { keyId },
      // Removing the same key twice removes nothing more.
      idempotent: true,
    });
  }
}
