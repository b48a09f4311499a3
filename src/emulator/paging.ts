/**
 * Server-driven paging: a page of a list plus the next link carrying an opaque skip token (base64url of the
 * offset), with the request's other query options kept. Callers choose the link's property name: Graph, Dataverse
 * and the Power Platform API use `@odata.nextLink`, the classic Power Apps / Flow APIs `nextLink`.
 */

export function pageOf<T>(
  items: readonly T[],
  url: URL,
  pageSize: number,
  tokenParam = '$skiptoken',
): { page: T[]; nextLink?: string } {
  const offset = readOffset(url.searchParams.get(tokenParam));
  const page = items.slice(offset, offset + pageSize);
  if (offset + pageSize >= items.length) return { page };
  const next = new URL(url.toString());
  next.searchParams.set(tokenParam, Buffer.from(JSON.stringify({ o: offset + pageSize })).toString('base64url'));
  return { page, nextLink: encodeOdata(next) };
}

function readOffset(token: string | null): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    return typeof parsed.o === 'number' && parsed.o >= 0 ? parsed.o : 0;
  } catch {
    return 0;
  }
}

/** URLSearchParams writes spaces as '+'; the Microsoft APIs write %20 and keep '$' literal. */
function encodeOdata(url: URL): string {
  const parts: string[] = [];
  for (const [key, value] of url.searchParams) parts.push(`${key}=${encodeURIComponent(value)}`);
  return `${url.origin}${url.pathname}${parts.length ? `?${parts.join('&')}` : ''}`;
}
