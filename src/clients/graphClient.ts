/**
 * DirectoryPort over Microsoft Graph: users, groups, app registrations and their password credentials.
 * addPassword is the one non-idempotent write: it is sent once, and a lost answer surfaces as `outcomeUnknown`.
 */
import { registerSecretValue } from '../logging/logger';
import type { AppRegistration, Group, NewPasswordCredential, User } from '../tenant/model';
import type { DirectoryPort } from '../tenant/ports';
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
import { paginate } from './paginate';

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

  async *listUsers(): AsyncIterable<User> {
    const url = this.url('/users', { $select: USER_SELECT, $top: '999' });
    for await (const wire of paginate<WireUser>(this.api, url, { operation: 'listUsers' })) yield mapUser(wire);
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

  async *listApplications(): AsyncIterable<AppRegistration> {
    const url = this.url('/applications', { $select: APPLICATION_SELECT, $top: '999' });
    for await (const wire of paginate<WireApplication>(this.api, url, { operation: 'listApplications' })) {
      yield mapApplication(wire);
    }
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

  async listApplicationOwnerIds(objectId: string): Promise<string[]> {
    const url = this.url(`/applications/${encodeURIComponent(objectId)}/owners`, { $select: 'id' });
    const ids: string[] = [];
    for await (const owner of paginate<{ id: string }>(this.api, url, { operation: 'listApplicationOwners' })) {
      ids.push(owner.id);
    }
    return ids;
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
