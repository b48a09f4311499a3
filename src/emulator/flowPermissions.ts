/**
 * A flow's owners changed through the Flow API's modifyPermissions (`POST .../flows/{flow}/modifyPermissions`), the
 * call behind Set-AdminFlowOwnerRole / Remove-AdminFlowOwnerRole and `m365 flow owner ensure|remove`:
 * `{"put":[{"properties":{"principal":{"id","type"},"roleName":"CanEdit"|"CanView"}}],"delete":[{"id":"<permission id or principal id>"}]}`.
 * The whole body is checked before anything changes; a repeated call changes nothing more.
 *
 * Refusals (codes are ours where the service's are unconfirmed):
 * - a principal that is not a user or group of the directory (PrincipalNotFound);
 * - removing or re-roling the flow's creator ("you cannot remove the original creator of a flow"; CannotModifyCreator);
 * - on the admin route, a flow that lives in a solution: Microsoft's Japanese Power Platform support blog says the
 *   admin cmdlet works for non-solution flows only, and the CoE Starter Kit's Set Flow Permissions says "Flows in
 *   solutions can only be deleted or assigned new owners" (SolutionFlowPermissionsNotSupported). The owner of a
 *   solution flow is changed in Dataverse instead (workflows ownerid, see dataverseWrites.ts);
 * - on the maker route, sharing a solution flow with a user who is not an enabled user of the environment's
 *   Dataverse ("not found", Learn: Share a cloud flow, solutions and sharing).
 */
import type { EmulatorCore } from './core';
import { apiError } from './http';
import type { EmuFlow, EmuFlowOwner } from './tenantState';

const ROLES = ['CanView', 'CanEdit'] as const;
const TYPES = ['User', 'Group'] as const;

export function modifyFlowPermissions(
  core: EmulatorCore,
  flow: EmuFlow,
  body: unknown,
  route: { admin: boolean },
): void {
  if (route.admin && flow.workflowId) {
    throw apiError(
      400,
      'SolutionFlowPermissionsNotSupported',
      `The flow '${flow.name}' is in a solution: its owners cannot be changed through the admin API. Change its owner in Dataverse (workflows ownerid) or share it from the flow's page.`,
    );
  }
  const b = (body ?? {}) as { put?: unknown; delete?: unknown };
  if (b.put !== undefined && !Array.isArray(b.put)) throw invalid('"put" must be an array.');
  if (b.delete !== undefined && !Array.isArray(b.delete)) throw invalid('"delete" must be an array.');
  const planned: EmuFlowOwner[] = [];
  for (const item of (b.put ?? []) as unknown[]) {
    const props = (item as { properties?: { roleName?: unknown; principal?: { id?: unknown; type?: unknown } } })
      ?.properties;
    const roleName = ROLES.find((r) => r.toLowerCase() === String(props?.roleName ?? '').toLowerCase());
    const type = TYPES.find((t) => t.toLowerCase() === String(props?.principal?.type ?? '').toLowerCase());
    const principalId = String(props?.principal?.id ?? '').toLowerCase();
    if (!roleName) throw invalid(`The role '${String(props?.roleName)}' is not valid; use CanView or CanEdit.`);
    if (!type) throw invalid(`The principal type '${String(props?.principal?.type)}' is not valid; use User or Group.`);
    if (!exists(core, principalId, type)) {
      throw apiError(
        400,
        'PrincipalNotFound',
        `The principal '${principalId}' of type '${type}' was not found in tenant '${core.tenantId}'.`,
      );
    }
    if (principalId === flow.creatorId.toLowerCase()) throw creatorRefused(flow);
    if (!route.admin && flow.workflowId && type === 'User' && !isEnvironmentUser(core, flow, principalId)) {
      throw apiError(
        404,
        'PrincipalNotFoundInEnvironment',
        `The user '${principalId}' was not found in the environment's Dataverse: add them to the environment before sharing a solution flow with them.`,
      );
    }
    planned.push({ principalId, principalType: type, roleName });
  }
  const removed = new Set<string>();
  for (const item of (b.delete ?? []) as unknown[]) {
    const id = String((item as { id?: unknown })?.id ?? '');
    const principalId = (id.split('/').filter(Boolean).pop() ?? '').toLowerCase();
    if (!principalId) throw invalid('Each delete needs the id of a permission.');
    if (principalId === flow.creatorId.toLowerCase()) throw creatorRefused(flow);
    removed.add(principalId);
  }
  const changed = new Set([...removed, ...planned.map((p) => p.principalId)]);
  flow.owners = [...flow.owners.filter((o) => !changed.has(o.principalId.toLowerCase())), ...planned];
  flow.lastModifiedTime = core.now().toISOString();
}

function invalid(message: string): Error {
  return apiError(400, 'InvalidRequestContent', message);
}

function creatorRefused(flow: EmuFlow): Error {
  return apiError(
    400,
    'CannotModifyCreator',
    `The creator of the flow '${flow.name}' cannot be removed from its owners or given another role.`,
  );
}

function exists(core: EmulatorCore, id: string, type: (typeof TYPES)[number]): boolean {
  if (type === 'User') return core.state.index.usersById.has(id);
  return core.state.groups.some((g) => g.id.toLowerCase() === id);
}

function isEnvironmentUser(core: EmulatorCore, flow: EmuFlow, userId: string): boolean {
  const org = core.state.environments.find((e) => e.name === flow.environmentId)?.dataverse;
  return !!org?.systemUsers.some((u) => !u.isdisabled && u.azureactivedirectoryobjectid?.toLowerCase() === userId);
}
