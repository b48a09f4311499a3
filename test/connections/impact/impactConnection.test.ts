/**
 * "What depends on X?" when X is one connection (the planner passes its id): from the tenant index and live the
 * card shows that connection only and what uses it; [Re-point references] appears once the re-point kind is
 * registered, carrying the connection it moves references off; a connection the caller may not see, or one gone
 * since, is answered the same way.
 */
import type { AdaptiveCard } from '../../../src/cards/renderCard';
import type { Reply } from '../../../src/cards/reply';
import { ImpactService } from '../../../src/connections/impact/impactService';
import { buildTenantIndex } from '../../../src/connections/tenantIndexBuilder';
import { TenantIndexSource } from '../../../src/connections/tenantIndexSource';
import { CONNECTIONS } from '../../../src/emulator/fixture';
import { adaptiveCardProblems } from '../../cards/adaptiveCardProblems';
import { callerFor, startTestComposition, type TestComposition } from '../../support/testComposition';

const LEE_DATAVERSE = {
  subject: 'Dataverse (Lee Gu)',
  subjectType: 'connection' as const,
  subjectId: CONNECTIONS.prodLeeDataverse,
};

let domain: TestComposition;
let index: TenantIndexSource;

beforeAll(async () => {
  domain = await startTestComposition();
  index = new TenantIndexSource((now) => buildTenantIndex(domain.ctx.tenant, now), domain.clock, { autoBuild: false });
  await index.refresh();
});
afterAll(() => domain.close());

const text = (reply: Reply) => JSON.stringify(reply).replace(/\\"/g, '"');

function executeActions(reply: Reply): { title: string; verb: string; data: Record<string, unknown> }[] {
  const actions = ((reply.cards[0] as AdaptiveCard | undefined)?.actions ?? []) as Record<string, unknown>[];
  return actions.filter((a) => a.type === 'Action.Execute') as {
    title: string;
    verb: string;
    data: Record<string, unknown>;
  }[];
}

describe('what depends on one connection', () => {
  it.each([
    ['from the tenant index', true],
    ['read live', false],
  ])('shows that connection only, %s', async (_how, withIndex) => {
    const service = new ImpactService(domain.ctx, {
      index: withIndex ? index : undefined,
      operationAvailable: (kind) => kind === 'repoint',
    });
    const reply = await service.impact(callerFor('alex'), LEE_DATAVERSE);
    const said = text(reply);
    expect(said).toContain('What depends on Dataverse (Lee Gu)');
    expect(said).toContain('Dataverse (Lee Gu) is bound to 1 connection reference and used by 2 flows (2 on).');
    expect(said).toContain('VM Dataverse Connection Ref');
    expect(said).toContain('Nightly export');
    expect(said).not.toContain('SharePoint (Lee Gu)');
    expect(said).not.toContain('VM SharePoint Connection Ref');
    expect(executeActions(reply)).toContainEqual({
      type: 'Action.Execute',
      title: 'Re-point references',
      verb: 'repoint.request',
      data: {
        solutionName: 'Vendor Management',
        environmentId: expect.any(String),
        fromConnectionName: CONNECTIONS.prodLeeDataverse,
      },
    });
    expect(adaptiveCardProblems(reply.cards[0] as AdaptiveCard)).toEqual([]);
  });

  it.each([
    ['from the tenant index', true],
    ['read live', false],
  ])("warns that a leaver's connection will fail and offers no share of it, %s", async (_how, withIndex) => {
    // Lee Gu's account is disabled: his connection is to be replaced (re-pointed), not shared, as when he is asked about.
    const service = new ImpactService(domain.ctx, {
      index: withIndex ? index : undefined,
      operationAvailable: (kind) => kind === 'repoint',
    });
    const reply = await service.impact(callerFor('alex'), LEE_DATAVERSE);
    const said = text(reply);
    expect(said).toContain('It will fail: it signs in as a disabled account.');
    expect(said).toContain('Signs in as a disabled account');
    expect(said).not.toContain('Share with');
    expect(executeActions(reply).map((a) => a.title)).toContain('Re-point references');
  });

  it('offers a share of a working connection whose person has not left', async () => {
    const service = new ImpactService(domain.ctx, { index, operationAvailable: () => false });
    const reply = await service.impact(callerFor('alex'), {
      subject: 'SharePoint (TechUser_Sharepoint_PRD)',
      subjectType: 'connection',
    });
    const said = text(reply);
    expect(said).not.toContain('disabled account');
    expect(said).toContain('Share with a service principal');
  });

  it('offers no [Re-point references] until the re-point kind is registered', async () => {
    const service = new ImpactService(domain.ctx, { index, operationAvailable: () => false });
    const reply = await service.impact(callerFor('alex'), LEE_DATAVERSE);
    expect(text(reply)).toContain('VM Dataverse Connection Ref');
    expect(executeActions(reply).map((a) => a.title)).not.toContain('Re-point references');
  });

  it.each([
    ['from the tenant index', true],
    ['read live', false],
  ])(
    'offers a maker [Re-point references] only for a solution whose flows she owns; otherwise says who can, %s',
    async (_how, withIndex) => {
      const service = new ImpactService(domain.ctx, {
        index: withIndex ? index : undefined,
        operationAvailable: (kind) => kind === 'repoint',
      });
      // Patti owns the Lunch order flows, whose Dataverse reference is bound to her connection.
      const patti = await service.impact(callerFor('patti'), {
        subject: 'Dataverse (Lunch order)',
        subjectType: 'connection',
        subjectId: CONNECTIONS.prodLunchDataverse,
      });
      expect(executeActions(patti).map((a) => a.data.solutionName)).toEqual(['Lunch order']);
      // The technical user's SharePoint connection is bound in Lunch order too, whose flows it does not own.
      const technical = await service.impact(callerFor('techUser'), {
        subject: 'SharePoint (TechUser_Sharepoint_PRD)',
        subjectType: 'connection',
        subjectId: CONNECTIONS.prodTechSharePoint,
      });
      expect(text(technical)).toContain('Lunch order');
      expect(executeActions(technical).map((a) => a.verb)).not.toContain('repoint.request');
      expect(text(technical)).toContain(
        'Only the owners of Lunch order and admins can ask to re-point its connection references. Ask one of them.',
      );
    },
  );

  it("answers a maker asking about someone else's connection as about one that does not exist", async () => {
    const service = new ImpactService(domain.ctx, { index, operationAvailable: () => true });
    const hidden = await service.impact(callerFor('adele'), LEE_DATAVERSE);
    const gone = await service.impact(callerFor('adele'), {
      subject: 'Dataverse (Lee Gu)',
      subjectType: 'connection',
      subjectId: 'c1a0000000004000800000000000ffff',
    });
    expect(hidden.text).toMatch(/^I found no connection "Dataverse \(Lee Gu\)" that you may see/);
    expect(hidden.text).toBe(gone.text);
    expect(text(hidden)).not.toContain('Nightly export');
  });
});
