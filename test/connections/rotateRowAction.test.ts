/**
 * [Rotate] on the chat cards (my connections, a flow diagnosis, expiring secrets), on the demo tenant (emulator, real clients,
 * SQLite): twelve days on, D365-App-Registration's only secret has expired and Megan's Dataverse connection signing
 * in with it is in Error. The button is offered to whom the rotation request accepts (the app's owners and the
 * admins); anyone else is told who can instead. A maker's expiring secrets from the scan's index read each app's
 * owners again: an app handed to someone since the scan is neither listed nor offered.
 */
import type { AdaptiveCard } from '../../src/cards/renderCard';
import type { Reply } from '../../src/cards/reply';
import { ConnectionsService } from '../../src/connections/connectionsService';
import { buildTenantIndex } from '../../src/connections/tenantIndexBuilder';
import { TenantIndexSource } from '../../src/connections/tenantIndexSource';
import { TenantScanner } from '../../src/notifications/scan/tenantScanner';
import { APPS, ENVIRONMENTS, FLOWS } from '../../src/emulator/fixture';
import { callerFor, startTestComposition, type TestComposition } from '../support/testComposition';

const DAY = 86_400_000;
const WHO_CAN_D365 =
  'Only the owners of D365-App-Registration (Patti Fernandez) and admins can request a rotation of its secret.';

let domain: TestComposition;
let service: ConnectionsService;
/** The same, answering a maker's expiring secrets from a scan's index taken while Megan owned the app. */
let fromScan: ConnectionsService;

beforeAll(async () => {
  domain = await startTestComposition();
  service = new ConnectionsService(domain.ctx);
  domain.emulator.control.advanceClock(12 * DAY);
  domain.clock.advance(12 * DAY);
  const index = new TenantIndexSource((now) => buildTenantIndex(domain.ctx.tenant, now), domain.clock, {
    autoBuild: false,
  });
  const scan = await new TenantScanner(domain.ctx.tenant, { now: domain.clock.now(), withinDays: 30 }).scan();
  await index.replace(scan.index!);
  fromScan = new ConnectionsService(domain.ctx, { index });
});
afterAll(() => domain.close());

/** The appObjectId of every [Rotate] on the reply's cards. */
function rotated(reply: Reply): unknown[] {
  const found: unknown[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.verb === 'rotation.request') found.push((o.data as Record<string, unknown> | undefined)?.appObjectId);
      Object.values(o).forEach(walk);
    }
  };
  walk(reply.cards as AdaptiveCard[]);
  return found;
}

const text = (reply: Reply): string => `${reply.text ?? ''} ${JSON.stringify(reply.cards)}`;
const abcsolProd = () =>
  service.diagnoseFlow(callerFor('megan'), { environmentId: ENVIRONMENTS.prod.id, flowId: FLOWS.abcsolProd });

test('the owner of the app gets [Rotate] on her connection in Error and on her flow that uses it', async () => {
  const mine = await service.myConnections(callerFor('megan'));
  expect(text(mine)).toMatch(/Dataverse \(D365-App-Registration\)/);
  expect(rotated(mine)).toContain(APPS.d365.id);
  const diagnosis = await abcsolProd();
  expect(text(diagnosis)).toMatch(/client secret has expired/);
  expect(rotated(diagnosis)).toEqual([APPS.d365.id]);
});

test("the owner gets [Rotate] on her expiring secrets, from the scan's index too", async () => {
  expect(rotated(await service.expiringCredentials(callerFor('megan')))).toEqual([APPS.d365.id]);
  expect(rotated(await fromScan.expiringCredentials(callerFor('megan')))).toEqual([APPS.d365.id]);
});

describe('once Patti owns the app instead of Megan', () => {
  beforeAll(() => domain.emulator.control.setApplicationOwners(APPS.d365.displayName, ['pattif@example.com']));

  it('Megan (a maker) gets no [Rotate] in her connections: the row says who can', async () => {
    const mine = await service.myConnections(callerFor('megan'));
    expect(rotated(mine)).not.toContain(APPS.d365.id);
    expect(text(mine)).toContain(WHO_CAN_D365);
  });

  it('nor in the diagnosis of her flow', async () => {
    const diagnosis = await abcsolProd();
    expect(text(diagnosis)).toMatch(/client secret has expired/);
    expect(rotated(diagnosis)).toEqual([]);
    expect(text(diagnosis)).toContain(WHO_CAN_D365);
  });

  it("nor on her expiring secrets, though the scan's index still names her as its owner", async () => {
    const reply = await fromScan.expiringCredentials(callerFor('megan'));
    expect(rotated(reply)).toEqual([]);
    expect(text(reply)).not.toContain('D365-App-Registration');
  });

  it('an admin who owns no app still gets [Rotate] in a diagnosis', async () => {
    domain.emulator.control.setApplicationOwners(APPS.coeSync.displayName, ['pattif@example.com']);
    const reply = await service.diagnoseFlow(callerFor('alex'), { flowName: 'CoE inventory sync' });
    expect(rotated(reply)).toEqual([APPS.coeSync.id]);
    expect(text(reply)).not.toContain('Only the owners of');
  });
});
