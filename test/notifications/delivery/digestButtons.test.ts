/**
 * [Rotate] in the digests a scan sends, on the demo tenant (emulator, real clients, SQLite): twelve days on,
 * D365-App-Registration's only secret has expired and Megan's Dataverse connection signing in with it is in Error,
 * so Megan is alerted with a connection-in-Error finding whose next step is a new secret. She gets [Rotate] while she
 * owns the app; once Patti owns it instead, Megan's digest says who can, the admins' digest keeps the button, and a
 * forged [Rotate] from Megan is still refused by the request itself. An app whose owners the scan did not read is
 * asked of Graph; owners that cannot be read give no button.
 */
import { APPS } from '../../../src/emulator/fixture';
import { withheldButtons } from '../../../src/notifications/delivery/digestButtons';
import type { ScanResult } from '../../../src/notifications/scan/scanResult';
import { cardClicker } from '../../support/cardClicks';
import { callerFor, startTestComposition, type TestComposition } from '../../support/testComposition';

const DAY = 86_400_000;
type Json = Record<string, unknown>;

function actions(cards: unknown): Json[] {
  const out: Json[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Json;
      if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(cards);
  return out;
}

/** The [Rotate] buttons for D365-App-Registration on the cards sent to `upn`. */
function rotateButtons(result: ScanResult, upn: string): Json[] {
  const cards = result.deliveries.find((d) => d.to === upn)?.cards;
  return actions(cards).filter(
    (a) => a.verb === 'rotation.request' && (a.data as Json | undefined)?.appObjectId === APPS.d365.id,
  );
}

const cardsOf = (result: ScanResult, upn: string) =>
  JSON.stringify(result.deliveries.find((d) => d.to === upn)?.cards ?? []);

let domain: TestComposition;

beforeAll(async () => {
  domain = await startTestComposition();
  domain.emulator.control.advanceClock(12 * DAY);
  domain.clock.advance(12 * DAY);
});
afterAll(async () => {
  await domain.close();
});

test("the app's owner, alerted about her connection in Error, gets [Rotate]", async () => {
  const result = await domain.composition.notifications.runScan({ dryRun: true });
  const error = result.findings.find(
    (f) => f.kind === 'connection-error' && f.action?.verb === 'rotation.request' && /D365/.test(f.subject),
  );
  expect(error?.action?.data).toEqual({ appObjectId: APPS.d365.id });
  expect(rotateButtons(result, 'meganb@example.com')).toHaveLength(1);
  expect(cardsOf(result, 'meganb@example.com')).not.toContain('Only the owners of');
});

describe('once Patti owns the app instead of Megan', () => {
  let result: ScanResult;
  beforeAll(async () => {
    domain.emulator.control.setApplicationOwners(APPS.d365.displayName, ['pattif@example.com']);
    result = await domain.composition.notifications.runScan({ dryRun: true });
  });

  it('Megan (a maker, not an owner) gets no [Rotate]: her digest says who can', () => {
    expect(result.deliveries.map((d) => d.to)).toContain('meganb@example.com');
    expect(rotateButtons(result, 'meganb@example.com')).toEqual([]);
    expect(cardsOf(result, 'meganb@example.com')).toContain(
      'Only the owners of D365-App-Registration (Patti Fernandez) and admins can request a rotation of its secret. Ask one of them.',
    );
  });

  it('an admin (Alex, tenant digest) still gets [Rotate]', () => {
    expect(rotateButtons(result, 'alexw@example.com').length).toBeGreaterThan(0);
  });

  it('a forged [Rotate] from Megan is still refused, and asks nobody to approve', async () => {
    const click = cardClicker({ ctx: domain.ctx, approvals: domain.composition.approvals });
    const { reply } = await click(callerFor('megan'), 'rotation.request', { appObjectId: APPS.d365.id });
    expect(reply.text).toMatch(/Only the owners of D365-App-Registration and admins can request a rotation/);
    expect(domain.notifier.sent.filter((n) => /Rotate the client secret/.test(JSON.stringify(n)))).toEqual([]);
    expect((await domain.audit()).filter((e) => e.action === 'approval.requested')).toEqual([]);
  });
});

describe('an app whose owners the scan did not read', () => {
  const finding = {
    id: `connection-error:env:c-d365`,
    kind: 'connection-error' as const,
    severity: 'high' as const,
    subject: 'Dataverse (D365-App-Registration)',
    why: 'Its secret expired.',
    action: { title: 'Rotate', verb: 'rotation.request', data: { appObjectId: APPS.d365.id } },
  };
  const maker = (who: 'patti' | 'adele') => ({
    audience: 'maker' as const,
    target: { userId: callerFor(who).userId.toLowerCase() },
  });

  it('asks Graph for them: the owner keeps [Rotate], anyone else is told who can', async () => {
    // Patti owns the app since the tests above.
    const facts = {
      users: new Map(),
      readOwners: (ids: string[]) => domain.ctx.tenant.directory.listOwnerIdsOfApplications(ids),
    };
    expect(await withheldButtons(maker('patti'), [finding], facts)).toEqual(new Map());
    expect((await withheldButtons(maker('adele'), [finding], facts)).get(finding.id)).toBe(
      'Only the owners of the app registration it signs in with and admins can request a rotation of its secret. Ask one of them.',
    );
  });

  it('offers no button when they cannot be read either', async () => {
    const facts = { users: new Map(), readOwners: () => Promise.reject(new Error('Graph is down')) };
    expect([...(await withheldButtons(maker('patti'), [finding], facts)).keys()]).toEqual([finding.id]);
  });
});
