/**
 * With the tenant index, a maker's flow is read while its owners are checked (one round trip instead of two). That
 * early read must not change what a maker is told: a flow she neither created nor co-owns is still "not found",
 * and is not named even when reading it failed; her own co-owned flow is diagnosed as before, read once.
 */
import type { Reply } from '../../src/cards/reply';
import { ConnectionsService } from '../../src/connections/connectionsService';
import { buildTenantIndex } from '../../src/connections/tenantIndexBuilder';
import { TenantIndexSource } from '../../src/connections/tenantIndexSource';
import { callerFor, startTestComposition, type TestComposition } from '../support/testComposition';

let domain: TestComposition;
let service: ConnectionsService;

beforeAll(async () => {
  domain = await startTestComposition();
  const index = new TenantIndexSource((now) => buildTenantIndex(domain.ctx.tenant, now), domain.clock, {
    autoBuild: false,
  });
  await index.refresh();
  service = new ConnectionsService(domain.ctx, { index });
});
afterAll(() => domain.close());
afterEach(() => domain.emulator.control.setFaults(''));

const text = (reply: Reply): string => `${reply.text ?? ''} ${JSON.stringify(reply.cards)}`;

test('a flow the maker may not see is not named, even when its early read fails', async () => {
  domain.emulator.control.setFaults('flow.adminGetFlow:error=1:500');
  const reply = await service.diagnoseFlow(callerFor('adele'), { flowName: 'Vendor onboarding' });
  expect(reply.cards).toHaveLength(0);
  expect(reply.text).toMatch(/could not find "Vendor onboarding" among the flows you own or co-own/);
  // The reader's note of what it could not read names a flow as "<name> (<environment>)".
  expect(text(reply)).not.toMatch(/Vendor onboarding \(/);
  expect(text(reply)).not.toMatch(/could not (be )?read|could not check/i);
});

test('a co-owned flow read early is diagnosed as before, with one read of the flow', async () => {
  const before = domain.emulator.control.requestCount('flow');
  const reply = await service.diagnoseFlow(callerFor('adele'), { flowName: 'Weekly report' });
  expect(text(reply)).toMatch(/not shared with you/);
  // Its owners and the flow itself: two Flow API requests, the flow not read a second time.
  expect(domain.emulator.control.requestCount('flow') - before).toBe(2);
});

test('when the early read of a co-owned flow fails, the maker is told it could not be read', async () => {
  domain.emulator.control.setFaults('flow.adminGetFlow:error=1:500');
  const reply = await service.diagnoseFlow(callerFor('adele'), { flowName: 'Weekly report' });
  expect(text(reply)).toMatch(/Weekly report \(/);
});
