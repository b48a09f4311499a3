/**
 * A list read from a paged API that can be taken item by item, as the ports promise (AsyncIterable), or a page at a
 * time by a reader that wants every item anyway (readAll). Every item that passes through an async iterator costs a
 * promise and a few turns of the microtask queue; the tenant scan reads every row of the tenant, hundreds of
 * thousands of them, so it takes whole pages where a list offers them. A port that returns a plain AsyncIterable
 * (a test double) is read item by item, with the same result.
 */

const PAGES = Symbol('pagedList.pages');

export interface PagedList<T> extends AsyncIterable<T> {
  /** The same items, page by page, in order. */
  readonly [PAGES]: () => AsyncIterable<T[]>;
}

/** A list whose items come from `pages` (read again from the first page each time the list is iterated). */
export function pagedList<T>(pages: () => AsyncIterable<T[]>): PagedList<T> {
  return {
    [PAGES]: pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page;
    },
  };
}

/** Hands `items` to `onPage` as they arrive, in order: its own pages when it is a PagedList, else one at a time. */
export async function forEachPage<T>(items: AsyncIterable<T>, onPage: (page: readonly T[]) => void): Promise<void> {
  const pages = (items as Partial<PagedList<T>>)[PAGES];
  if (pages) {
    for await (const page of pages()) onPage(page);
  } else {
    for await (const item of items) onPage([item]);
  }
}

/** Every item of `items`, in order (page by page when it is a PagedList). */
export async function readAll<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  await forEachPage(items, (page) => {
    for (const item of page) out.push(item);
  });
  return out;
}
