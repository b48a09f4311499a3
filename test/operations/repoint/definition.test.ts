/**
 * The re-point kind's own rules, on the demo tenant: who may approve (admins; not someone who is neither admin nor
 * an owner of the solution's flows), the progress it reports per step, and the undo: offered for 7 days only, and
 * refused with the reason while the bot cannot use a previous connection.
 */
import type { OperationStep } from '../../../src/operations/operationKind';
import { CONNECTIONS, ENVIRONMENTS, USERS } from '../../../src/emulator/fixture';
import { isDrafted, type ApprovalView } from '../../../src/operations/operationKind';
import { repointOperation } from '../../../src/operations/repoint/definition';
import type { RepointOperation } from '../../../src/operations/repoint/repointOperation';
import { draftRepoint } from '../../../src/operations/repoint/repointPlan';
import { draftUndo } from '../../../src/operations/repoint/undoRequest';
import { operationSuite } from '../../support/operationHarness';

const PROD = ENVIRONMENTS.prod.id;
const DAY_MS = 86_400_000;
const kind = repointOperation();

const suite = operationSuite();
const caller = (who: 'alex' | 'lynne' | 'megan') => ({
  userId: USERS[who].id,
  displayName: USERS[who].displayName,
  tenantId: suite.emulator.info.tenantId,
});

async function approvedRepoint(id: string): Promise<ApprovalView<RepointOperation>> {
  const bot = (await suite.oc.ctx.tenant.self!.principalId())!;
  await suite.oc.ctx.tenant.connections.modifyPermissions(
    PROD,
    'shared_sharepointonline',
    CONNECTIONS.prodTechSharePoint,
    {
      put: [{ principal: { id: bot, type: 'ServicePrincipal' }, roleName: 'CanView' }],
    },
  );
  const drafted = await draftRepoint(suite.oc.ctx, caller('lynne'), {
    solutionName: 'Vendor Management',
    target: 'D365-App-Registration',
  });
  if (!isDrafted(drafted)) throw new Error(drafted.text);
  return {
    id,
    tenantId: suite.emulator.info.tenantId,
    requesterId: USERS.lynne.id,
    requesterName: 'Lynne Robbins',
    approverIds: [USERS.alex.id],
    operation: drafted.operation,
  };
}

test('admins may approve; someone who is neither admin nor owner of its flows may not', async () => {
  const approval = await approvedRepoint('approvers');
  // Lee Gu owns the flows but is disabled: no owner approves, only the admins.
  expect(approval.operation.solutionOwnerIds).toEqual([]);
  expect(await kind.mayApprove(suite.oc.ctx, caller('alex'), approval)).toBe(true);
  expect(await kind.mayApprove(suite.oc.ctx, caller('megan'), approval)).toBe(false);
  // Named as an owner in the request is not enough: ownership is read again at the click.
  const claimed = { ...approval, operation: { ...approval.operation, solutionOwnerIds: [USERS.megan.id] } };
  expect(await kind.mayApprove(suite.oc.ctx, caller('megan'), claimed)).toBe(false);
});

test('the run reports each step, then offers the undo for 7 days, refused while the bot cannot use the old connections', async () => {
  const approval = await approvedRepoint('progress');
  const lists: OperationStep[][] = [];
  const outcome = await kind.run(suite.oc.ctx, approval, {
    progress: async () => undefined,
    steps: async (steps) => void lists.push([...steps]),
  });
  expect(outcome.state).toBe('done');
  const titles = [
    'Note which flows are on',
    'Bind VM Dataverse Connection Ref to Dataverse (D365-App-Registration)',
    'Bind VM SharePoint Connection Ref to SharePoint (TechUser_Sharepoint_PRD)',
    'Turn Vendor onboarding off and on',
    'Turn Nightly export off and on',
  ];
  // One step per reference and per flow on every list; the running one moves down the list, one at a time.
  for (const list of lists) expect(list.map((s) => s.title)).toEqual(titles);
  const running = lists
    .map((list) => list.filter((s) => s.state === 'running').map((s) => s.title))
    .filter((r, i, all) => i === 0 || JSON.stringify(r) !== JSON.stringify(all[i - 1]));
  expect(running).toEqual([...titles.map((t) => [t]), []]);
  expect(lists.at(-1)?.every((s) => s.state === 'done')).toBe(true);
  expect(outcome.result).toMatch(/\[Undo the re-point\] puts the previous connections back until/);

  // Lee's connections are not shared with the bot: the undo says so rather than failing at the bind.
  const refused = await draftUndo(suite.oc.ctx, caller('lynne'), 'progress');
  expect(isDrafted(refused)).toBe(false);
  expect(!isDrafted(refused) && refused.text).toMatch(/The bot cannot use Dataverse \(Lee Gu\)/);

  const bot = (await suite.oc.ctx.tenant.self!.principalId())!;
  for (const [connector, name] of [
    ['shared_commondataserviceforapps', CONNECTIONS.prodLeeDataverse],
    ['shared_sharepointonline', CONNECTIONS.prodLeeSharePoint],
  ]) {
    await suite.oc.ctx.tenant.connections.modifyPermissions(PROD, connector, name, {
      put: [{ principal: { id: bot, type: 'ServicePrincipal' }, roleName: 'CanView' }],
    });
  }
  const undo = await draftUndo(suite.oc.ctx, caller('lynne'), 'progress');
  expect(isDrafted(undo) && undo.operation.references.map((r) => r.to.name)).toEqual([
    CONNECTIONS.prodLeeDataverse,
    CONNECTIONS.prodLeeSharePoint,
  ]);
  expect(isDrafted(undo) && undo.riskNotes.join(' ')).toMatch(/even where they sign in as a person/);
  // Megan is neither admin nor owner.
  const notHers = await draftUndo(suite.oc.ctx, caller('megan'), 'progress');
  expect(!isDrafted(notHers) && notHers.refused).toBe(true);

  suite.oc.clock.advance(8 * DAY_MS);
  const late = await draftUndo(suite.oc.ctx, caller('lynne'), 'progress');
  expect(!isDrafted(late) && late.text).toMatch(/can no longer be undone here: undo is offered for 7 days/);
});
