/**
 * LeaseStore on Blob leases: one empty blob per lease name. The blob lease (15–60 s, enforced by the service's
 * clock) gives exclusivity; the lease id is derived from the owner, so the same owner can re-acquire or renew.
 * The blob's metadata keeps the fencing token and its holder, written only while holding the lease (a leased
 * blob refuses writes without the lease id) and conditionally on the blob's ETag.
 */
import { createHash } from 'node:crypto';
import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { systemClock, type Clock } from '../../clock';
import type { Lease, LeaseStore } from '../ports';
import { restStatus } from './restStatus';

const MIN_SECONDS = 15;
const MAX_SECONDS = 60;

interface Holder {
  leaseId: string;
  token: number;
  etag: string;
}

export class AzureLeaseStore implements LeaseStore {
  /** The service enforces the lease on its own clock; `clock` only stamps expiresAt, as the other stores do. */
  constructor(
    private readonly container: ContainerClient,
    private readonly clock: Clock = systemClock,
  ) {}

  async acquire(name: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    const blob = this.container.getBlockBlobClient(name);
    const leaseId = leaseIdFor(owner);
    const seconds = leaseSeconds(ttlMs);
    const startedAt = this.clock.now().getTime();
    if (!(await this.take(blob, leaseId, seconds))) return undefined;
    try {
      const holder = await readHolder(blob);
      let token = holder.token;
      // Nobody else held it since our last acquisition: keep the token; otherwise fence the previous holder off.
      if (holder.leaseId !== leaseId || token === 0) {
        token += 1;
        await blob.setMetadata(
          { holder: leaseId, fencingtoken: String(token) },
          { conditions: { leaseId, ifMatch: holder.etag } },
        );
      }
      return { name, owner, fencingToken: token, expiresAt: startedAt + seconds * 1000 };
    } catch (error) {
      await blob
        .getBlobLeaseClient(leaseId)
        .releaseLease()
        .catch(() => undefined);
      throw error;
    }
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    const blob = this.container.getBlockBlobClient(lease.name);
    const leaseId = leaseIdFor(lease.owner);
    const seconds = leaseSeconds(ttlMs);
    const startedAt = this.clock.now().getTime();
    // Acquire with our own id renews an active lease (and may change its duration); it also succeeds on a
    // free blob, so the holder and token decide whether this is still the lease we were given.
    if (!(await this.take(blob, leaseId, seconds))) return undefined;
    const holder = await readHolder(blob);
    if (holder.leaseId !== leaseId || holder.token !== lease.fencingToken) {
      await blob
        .getBlobLeaseClient(leaseId)
        .releaseLease()
        .catch(() => undefined);
      return undefined;
    }
    return { ...lease, expiresAt: startedAt + seconds * 1000 };
  }

  async release(lease: Lease): Promise<void> {
    const blob = this.container.getBlockBlobClient(lease.name);
    const leaseId = leaseIdFor(lease.owner);
    try {
      const holder = await readHolder(blob);
      // A stale lease object of the same owner must not release a newer acquisition.
      if (holder.leaseId !== leaseId || holder.token !== lease.fencingToken) return;
      await blob.getBlobLeaseClient(leaseId).releaseLease();
    } catch (error) {
      if (restStatus(error) === 404 || restStatus(error) === 409) return;
      throw error;
    }
  }

  /** True when we now hold the blob lease under leaseId. */
  private async take(blob: BlockBlobClient, leaseId: string, seconds: number): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await blob.getBlobLeaseClient(leaseId).acquireLease(seconds);
        return true;
      } catch (error) {
        const status = restStatus(error);
        if (status === 409) return false;
        if (status !== 404 || attempt > 0) throw error;
      }
      await this.container.createIfNotExists();
      await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } }).catch((error: unknown) => {
        if (restStatus(error) !== 409 && restStatus(error) !== 412) throw error;
      });
    }
  }
}

async function readHolder(blob: BlockBlobClient): Promise<Holder> {
  const properties = await blob.getProperties();
  const metadata = properties.metadata ?? {};
  return {
    leaseId: metadata.holder ?? '',
    token: Number(metadata.fencingtoken ?? '0') || 0,
    etag: properties.etag ?? '',
  };
}

/** Blob lease ids must be GUIDs: derive a stable one from the owner string. */
function leaseIdFor(owner: string): string {
  const hex = createHash('sha256').update(owner).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function leaseSeconds(ttlMs: number): number {
  return Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, Math.ceil(ttlMs / 1000)));
}
