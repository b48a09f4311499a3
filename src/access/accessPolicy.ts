/**
 * Server-side role checks: admins (the configured admins group) see the whole tenant; approvers (the configured
 * approvers group) approve rotations. Group membership is read from the directory and cached briefly, so a
 * removal takes effect within a minute without a lookup on every click.
 */
import type { DirectoryPort } from '../tenant/ports';
import type { Caller } from './caller';

export interface AccessPolicyOptions {
  adminsGroup: string;
  approversGroup: string;
  tenantId: string;
  cacheTtlMs?: number;
  now?: () => number;
}

export class AccessPolicy {
  private readonly cache = new Map<string, { members: Set<string>; until: number }>();

  constructor(
    private readonly directory: DirectoryPort,
    private readonly options: AccessPolicyOptions,
  ) {}

  /** A caller from another tenant is never anything here. */
  sameTenant(caller: Caller): boolean {
    return caller.tenantId === this.options.tenantId;
  }

  async isAdmin(caller: Caller): Promise<boolean> {
    return this.sameTenant(caller) && (await this.members(this.options.adminsGroup)).has(caller.userId);
  }

  async isApprover(caller: Caller): Promise<boolean> {
    return this.sameTenant(caller) && (await this.members(this.options.approversGroup)).has(caller.userId);
  }

  async adminIds(): Promise<string[]> {
    return [...(await this.members(this.options.adminsGroup))];
  }

  async approverIds(): Promise<string[]> {
    return [...(await this.members(this.options.approversGroup))];
  }

  private async members(groupName: string): Promise<Set<string>> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.cache.get(groupName);
    if (hit && hit.until > now) return hit.members;
    const group = await this.directory.findGroupByName(groupName);
    const members = new Set(group ? await this.directory.listGroupMemberIds(group.id) : []);
    this.cache.set(groupName, { members, until: now + (this.options.cacheTtlMs ?? 60_000) });
    return members;
  }
}
