/**
 * Connections of one connector in one environment asked for at the same time share one read of the connector's
 * admin list; a read that has finished is never reused.
 */
import { ConnectorListReads } from '../../src/clients/connectorListReads';
import type { WireConnection } from '../../src/clients/mapConnection';
import type { Connection, Environment } from '../../src/tenant/model';
import { collect } from '../../src/clients';
import { startDemoTenant, type DemoTenant } from './demoTenant';

const wire = (name: string) => ({ name, properties: {} }) as unknown as WireConnection;

/** A list of two pages whose second page is served only when `release` is called. */
function gatedList() {
  let pagesServed = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let firstServed!: () => void;
  const first = new Promise<void>((resolve) => (firstServed = resolve));
  async function* pages() {
    pagesServed++;
    yield [wire('a'), wire('b')];
    firstServed();
    await gate;
    pagesServed++;
    yield [wire('c'), wire('d')];
  }
  return { pages, release, first, served: () => pagesServed };
}

describe('ConnectorListReads', () => {
  it('finds names asked for together in one pass, and stops at the page where the last one was found', async () => {
    const reads = new ConnectorListReads();
    const list = gatedList();
    list.release();
    const [a, b] = await Promise.all([reads.find('env|x', 'A', list.pages), reads.find('env|x', 'b', list.pages)]);
    expect([a?.name, b?.name]).toEqual(['a', 'b']);
    expect(list.served()).toBe(1);
  });

  it('a name asked while the read is under way is looked for in the pages already read and those still to come', async () => {
    const reads = new ConnectorListReads();
    const list = gatedList();
    const c = reads.find('env|x', 'c', list.pages);
    await list.first;
    // Page 1 is read: 'a' is answered from it, 'd' waits for page 2 of the same read.
    const [a, d] = [reads.find('env|x', 'a', list.pages), reads.find('env|x', 'd', list.pages)];
    list.release();
    expect([(await a)?.name, (await c)?.name, (await d)?.name]).toEqual(['a', 'c', 'd']);
    expect(list.served()).toBe(2);
  });

  it('a name asked after a read has finished starts a new read, and one missing from the whole list is undefined', async () => {
    const reads = new ConnectorListReads();
    const list = gatedList();
    list.release();
    const a = reads.find('env|x', 'a', list.pages);
    // Asked once 'a' was found on page 1 and that read stopped: a new read finds 'd' on page 2.
    const d = a.then(() => reads.find('env|x', 'd', list.pages));
    expect([(await a)?.name, (await d)?.name]).toEqual(['a', 'd']);
    expect(list.served()).toBe(3);
    expect(await reads.find('env|x', 'zz', list.pages)).toBeUndefined();
  });

  it('after a write to the list (forget), a name asked while an older read is under way gets a read of its own', async () => {
    const reads = new ConnectorListReads();
    const list = gatedList();
    const c = reads.find('env|x', 'c', list.pages);
    await list.first;
    reads.forget('env|x');
    // 'a' was on the page already read before the write: it is read again, not answered from that page.
    const a = reads.find('env|x', 'a', list.pages);
    list.release();
    expect([(await c)?.name, (await a)?.name]).toEqual(['c', 'a']);
    expect(list.served()).toBe(3);
  });
});

describe('getConnection against the demo tenant', () => {
  let tenant: DemoTenant;
  let prod: Environment;
  let dataverse: Connection[];
  beforeAll(async () => {
    tenant = await startDemoTenant();
    const environments = await tenant.ports.connections.listEnvironments();
    prod = environments.find((e) => e.displayName === 'Contoso PROD')!;
    const all = await collect(tenant.ports.connections.listConnections(prod.id));
    dataverse = all.filter((c) => c.connector === 'shared_commondataserviceforapps');
  });
  afterAll(() => tenant?.close());

  const powerAppsRequests = () => tenant.emulator.control.requestCount('powerApps');

  it('reads the connector list once for connections of one connector asked for together, again when asked later', async () => {
    expect(dataverse.length).toBeGreaterThanOrEqual(2);
    const { connections } = tenant.ports;
    const before = powerAppsRequests();
    const got = await Promise.all(dataverse.map((c) => connections.getConnection(prod.id, c.connector, c.name)));
    expect(got.map((c) => c.name)).toEqual(dataverse.map((c) => c.name));
    expect(powerAppsRequests() - before).toBe(1);

    // Asked again afterwards: read again (a status is never answered from a finished read).
    await connections.getConnection(prod.id, dataverse[0].connector, dataverse[0].name);
    expect(powerAppsRequests() - before).toBe(2);
  });
});
