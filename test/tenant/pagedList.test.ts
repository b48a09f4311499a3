/**
 * A paged list gives the same items whichever way it is read: item by item (the ports' AsyncIterable), or page by
 * page through readAll / forEachPage; a plain AsyncIterable (a test double's) is read item by item.
 */
import { forEachPage, pagedList, readAll } from '../../src/tenant/pagedList';

function pagesOf(pages: number[][]) {
  let reads = 0;
  const list = pagedList(async function* () {
    reads++;
    for (const page of pages) {
      await Promise.resolve();
      yield page;
    }
  });
  return { list, reads: () => reads };
}

async function* plain(items: number[]): AsyncIterable<number> {
  for (const item of items) yield item;
}

describe('pagedList', () => {
  it('yields every item in order when iterated, again from the first page each time', async () => {
    const { list, reads } = pagesOf([[1, 2], [], [3]]);
    const seen: number[] = [];
    for await (const item of list) seen.push(item);
    for await (const item of list) seen.push(item);
    expect(seen).toEqual([1, 2, 3, 1, 2, 3]);
    expect(reads()).toBe(2);
  });

  it('is handed over a page at a time by forEachPage, and read whole by readAll', async () => {
    const { list } = pagesOf([[1, 2], [3]]);
    const pages: number[][] = [];
    await forEachPage(list, (page) => pages.push([...page]));
    expect(pages).toEqual([[1, 2], [3]]);
    expect(await readAll(list)).toEqual([1, 2, 3]);
  });

  it('reads a plain AsyncIterable item by item', async () => {
    const pages: number[][] = [];
    await forEachPage(plain([4, 5]), (page) => pages.push([...page]));
    expect(pages).toEqual([[4], [5]]);
    expect(await readAll(plain([4, 5, 6]))).toEqual([4, 5, 6]);
  });

  it('passes a failed page read on to the reader', async () => {
    const failing = pagedList<number>(async function* () {
      yield [1];
      throw new Error('page 2 refused');
    });
    await expect(readAll(failing)).rejects.toThrow('page 2 refused');
  });
});
