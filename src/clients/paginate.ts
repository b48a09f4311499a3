/**
 * The one paging helper: yields the items of `value` page after page, following `@odata.nextLink` (Graph,
 * Dataverse, Power Platform API) or `nextLink` (classic Power Apps / Flow APIs), whichever the page carries, to the
 * same origin or to a regional host of the same service (isSameService).
 * `paginatePages` yields whole pages, for the lists a tenant scan reads in bulk: every item that passes through an
 * async generator costs a few promises and a turn of the microtask queue, and a scan maps every row of the tenant.
 */
import { getLogger } from '../logging/logger';
import { isTenantApiError, TenantApiError } from '../tenant/errors';
import { readAll } from '../tenant/pagedList';
import type { ApiClient, RequestSpec, ServiceHosts } from './httpClient';
import { withQuery } from './odata';

const log = getLogger('clients');

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
  nextLink?: string;
}

export async function* paginate<T>(
  client: ApiClient,
  url: string,
  options: Omit<RequestSpec, 'method' | 'url'> = {},
): AsyncGenerator<T> {
  for await (const page of paginatePages<T>(client, url, options)) yield* page;
}

export async function* paginatePages<T>(
  client: ApiClient,
  url: string,
  options: Omit<RequestSpec, 'method' | 'url'> = {},
): AsyncGenerator<T[]> {
  const first = new URL(url);
  const seen = new Set<string>();
  let next: string | undefined = url;
  while (next) {
    seen.add(next);
    const page: Page<T> = (await client.get<Page<T> | undefined>(next, options)) ?? {};
    if (page.value?.length) yield page.value;
    const link: string | undefined = page['@odata.nextLink'] ?? page.nextLink ?? undefined;
    if (!link) return;
    const resolved: string = new URL(link, next).toString();
    // The bearer token goes with every page: follow a link only to a host of the same service.
    if (!isSameService(first, new URL(resolved), client.hosts)) {
      throw new TenantApiError({
        message: `${client.name}: refused a next-page link to another host (${new URL(resolved).host})`,
        code: 'ForeignNextLink',
        kind: 'badRequest',
        api: client.name,
      });
    }
    next = seen.has(resolved) ? undefined : resolved;
  }
}

/**
 * Whether a next-page link stays with the service the list was asked of: the same origin, or (where the API says
 * so) one of its regional hosts — the Flow and Power Apps admin lists answer with links to
 * https://<region>.api.flow.microsoft.com:<port>/…, which take the same token — over HTTPS.
 */
export function isSameService(base: URL, link: URL, hosts: ServiceHosts = {}): boolean {
  if (link.origin === base.origin) return true;
  if (link.protocol !== 'https:' || base.protocol !== 'https:' || link.username || link.password) return false;
  const host = link.hostname.toLowerCase();
  if (hosts.extraHosts?.some((h) => h.toLowerCase() === host)) return true;
  if (!hosts.regionalSubdomains) return false;
  const own = base.hostname.toLowerCase();
  // Exactly one more label in front of the API's own host name (a region), never a look-alike suffix.
  if (!host.endsWith(`.${own}`)) return false;
  const region = host.slice(0, -own.length - 1);
  return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(region);
}

/** Whether a list refused `$top` once: then it is never asked with it again (one per client and list). */
export interface PageSizeMemory {
  refused: boolean;
}

/**
 * Pages of `top` items where the service takes `$top` (public admin scripts ask the classic Power Apps and Flow
 * admin lists for 250; their contract does not say): ~2.5× fewer round trips for a tenant scan than the default
 * pages of 100 / 50. A service that answers the first page with 400 is asked again without `$top`, and `memory`
 * keeps later lists from trying again.
 */
export async function* paginatePagesOfSize<T>(
  client: ApiClient,
  url: string,
  top: number,
  memory: PageSizeMemory,
  options: Omit<RequestSpec, 'method' | 'url'> = {},
): AsyncGenerator<T[]> {
  if (!memory.refused) {
    const pages = paginatePages<T>(client, withQuery(url, { $top: String(top) }), options);
    let first: IteratorResult<T[]>;
    try {
      first = await pages.next();
    } catch (error) {
      if (!(isTenantApiError(error) && error.kind === 'badRequest' && error.status === 400)) throw error;
      memory.refused = true;
      log.warn(
        { api: client.name, operation: options.operation, code: error.code },
        '$top refused; listing with the default pages',
      );
      first = { done: true, value: undefined };
    }
    if (!memory.refused) {
      if (!first.done) yield first.value;
      yield* pages;
      return;
    }
  }
  yield* paginatePages<T>(client, url, options);
}

/** Collects an async iterable (for the few callers that need every item at once), page by page where it can. */
export const collect = readAll;
