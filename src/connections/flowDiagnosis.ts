/**
 * "Why can't I turn on <flow>?" / "Why does <flow> fail?": walks each connection the flow needs — directly (classic
 * flows) or through its Dataverse connection reference (solution flows) — and checks, for the person asking, that
 * the reference is bound, the connection exists in this environment, works, belongs to an enabled account, and may
 * be used by them. The verdict names the exact connection, its owner and the remedy, with the button for it.
 *
 * The remedies for a connection the person may not use are the documented ones ("Use a connection reference in a
 * solution", ConnectionAuthorizationFailed): a non-OAuth connection (SQL Server authentication and the like) can be
 * shared with them (Can use) — [Request access]; an OAuth connection can be shared only with a service principal, so
 * the owner of the flow's connections turns the flow on once (the flow then keeps permission to them and any co-owner
 * can turn it off and on) — [Ask <owner> to turn it on] — or the person switches the flow to connections of their own.
 * A connection the flow already holds a grant for (its owner turned it on) is no problem at all.
 */
import type { Caller } from '../access/caller';
import { renderCard } from '../cards/renderCard';
import type { Reply } from '../cards/reply';
import type { AppRegistration, Connection, Environment, Flow, FlowConnectionReference } from '../tenant/model';
import { canUseConnection } from './connectionAccess';
import { explainConnection } from './connectionExplanation';
import { signsInAsCreator, storedCredentialsLeaverNote } from './leaverConnection';
import { bindingOf, indexReferences } from './connectionUsage';
import { readConnectionsOf } from './flowConnections';
import { connectionsPageUrl, flowPageUrl } from './makerPortal';
import {
  askToTurnOnAction,
  executeAction,
  noAction,
  requestAccessAction,
  urlAction,
  type RowAction,
} from './rowAction';
import { rotateOrWhoCan } from './rotateRowAction';
import { isOAuthConnection } from './sharingRule';
import { connectorLabel, isProductionEnvironment } from './tenantFacts';
import type { TenantReader } from './tenantReader';

export type ProblemKind =
  | 'notShared'
  | 'ownerMustTurnOn'
  | 'connectionError'
  | 'needsConfiguration'
  | 'secretExpired'
  | 'unbound'
  | 'ownerDisabled'
  | 'customConnectorBroken'
  | 'connectionMissing';

export interface Problem {
  kind: ProblemKind;
  headline: string;
  remedy: string;
  action: RowAction;
  /** The connection's owner, for problems about a connection the person may not use. */
  ownerId?: string;
  ownerName?: string;
}

/** How a check says the bot could not read what it checks. */
const UNCHECKED = 'could not be checked';

export interface Check {
  label: string;
  result: string;
}

export interface Diagnosis {
  flow: Flow;
  environment: Environment;
  problems: Problem[];
  checks: Check[];
  /** Whose permissions were checked: the caller, or (an admin looking at someone else's flow) its creator. */
  checkedFor: 'you' | string;
}

async function appFor(reader: TenantReader, appId: string): Promise<AppRegistration | undefined> {
  return reader.read(`appByAppId:${appId.toLowerCase()}`, 'the app registrations behind failing connections', () =>
    reader.tenant.directory.findApplicationByAppId(appId),
  );
}

function isCustomConnector(reference: FlowConnectionReference, referenceCustomId?: string): boolean {
  return Boolean(referenceCustomId) || !/^shared_/i.test(reference.connector.split('/').pop() ?? '');
}

interface Context {
  reader: TenantReader;
  flow: Flow;
  environment: Environment;
  subjectId: string;
  subjectIsCaller: boolean;
  subjectName: string;
  now: Date;
  /** This tenant's id: a service-principal connection naming another tenant is told apart. */
  tenantId: string;
  /** Who asked: [Rotate] is offered only if the rotation request accepts them. */
  caller: Caller;
  callerIsAdmin: boolean;
}

async function checkConnection(
  ctx: Context,
  reference: FlowConnectionReference,
  connection: Connection,
  viaReference: string | undefined,
): Promise<{ problems: Problem[]; check: Check }> {
  const { reader, flow, environment } = ctx;
  const problems: Problem[] = [];
  const label = `${connectorLabel(connection.connector)} connection "${connection.displayName}"${viaReference ? ` (reference ${viaReference})` : ''}`;
  const ownerName = connection.createdBy.displayName;
  const ownerIsSubject = connection.createdBy.id.toLowerCase() === ctx.subjectId.toLowerCase();
  const ownerText = ownerIsSubject ? (ctx.subjectIsCaller ? 'you' : ownerName) : ownerName;

  // Whether the subject may use the connection does not depend on its owner's account: both are asked at once, one
  // round trip instead of two (each answer's wake-up is CPU of its own on a busy host).
  const sharing =
    reference.source !== 'Invoker' && !ownerIsSubject
      ? canUseConnection(reader, connection, environment.displayName, ctx.subjectId)
      : undefined;
  // A service-principal connection signs in as the app, not as its creator: a disabled creator does not stop it.
  const notAnApp = connection.authType !== 'servicePrincipal';
  const owner =
    connection.createdBy.type === 'User' && notAnApp ? await reader.user(connection.createdBy.id) : undefined;
  if (owner && !owner.accountEnabled) {
    problems.push({
      kind: 'ownerDisabled',
      headline: `The ${label} used by ${flow.displayName} belongs to ${owner.displayName}, whose account is disabled.`,
      remedy: `${signsInAsCreator(connection) ? 'Nobody can sign it in again or share it.' : storedCredentialsLeaverNote(owner.displayName)}${
        isProductionEnvironment(environment)
          ? ` In production, don't replace it with another person's connection: create a connection that does not depend on a person — a service principal (where the connector supports it) or a technical user — and bind ${viaReference ? `"${viaReference}"` : 'the flow'} to it.`
          : ` Create a connection of your own (or a service principal's or technical user's) and switch ${viaReference ? `"${viaReference}"` : 'the flow'} to it.`
      }`,
      action: urlAction('Open connections', connectionsPageUrl(environment.id)),
    });
  }

  // "A valid connection is required when saving or publishing the flow, but actions and triggers continue running
  // even if the connection expires" (Manage connections for the Microsoft Dataverse connector): not an outage of runs.
  // The page says nothing about turning the flow on, so that is said as not confirmed.
  const dataverseNote =
    connection.status === 'Error' && connection.connector.toLowerCase() === 'shared_commondataserviceforapps'
      ? ' Until then the flow’s Dataverse actions in this environment keep running (while the identity is enabled and has permissions), but the flow cannot be saved or published, and actions on other environments fail (not confirmed: whether turning it on is refused too).'
      : '';
  if (connection.status !== 'Connected') {
    const app =
      connection.authType === 'servicePrincipal' && connection.servicePrincipalAppId
        ? await appFor(reader, connection.servicePrincipalAppId)
        : undefined;
    const explained = explainConnection(connection, app, ctx.now, ctx.tenantId);
    if (connection.authType === 'servicePrincipal' && explained.cause !== 'configurationNeeded') {
      const rotate =
        app && explained.offerRotation
          ? await rotateOrWhoCan(ctx.reader, ctx.caller, app, () => Promise.resolve(ctx.callerIsAdmin))
          : { action: noAction };
      problems.push({
        kind: 'secretExpired',
        headline: `The ${label} used by ${flow.displayName} is in Error: ${explained.problem}`,
        remedy: `${explained.remedy}${rotate.whoCan ? ` ${rotate.whoCan}` : ''}${dataverseNote}`,
        action: rotate.action,
      });
    } else if (explained.cause === 'configurationNeeded') {
      problems.push({
        kind: 'needsConfiguration',
        headline: `The ${label} used by ${flow.displayName} was never finished (needs configuration).`,
        remedy: ownerIsSubject ? explained.remedy : `Ask ${ownerName}, who owns it, to finish configuring it.`,
        action: ownerIsSubject ? urlAction('Fix connection', connectionsPageUrl(environment.id)) : noAction,
      });
    } else {
      problems.push({
        kind: 'connectionError',
        headline: `The ${label} used by ${flow.displayName} (owned by ${ownerText}) is in Error: ${explained.problem}`,
        remedy: `${ownerIsSubject ? explained.remedy : `Ask ${ownerName}, who owns it: ${explained.remedy.toLowerCase()}`}${dataverseNote}`,
        action: ownerIsSubject ? urlAction('Fix connection', connectionsPageUrl(environment.id)) : noAction,
      });
    }
  }

  let shareResult = 'may be used';
  const grants = flow.grantedConnections;
  if (reference.source === 'Invoker') {
    shareResult = 'runs as whoever triggers the flow';
  } else if (!ownerIsSubject) {
    const allowed = await sharing;
    const flowHoldsIt = grants?.some((g) => g.toLowerCase() === connection.name.toLowerCase()) === true;
    const whom = ctx.subjectIsCaller ? 'you' : ctx.subjectName;
    const your = ctx.subjectIsCaller ? 'your' : 'their';
    if (allowed === false && flowHoldsIt) {
      // The connections' owner turned the flow on: the flow keeps permission, so co-owners can turn it off and on.
      shareResult = `not shared with ${whom}, but the flow has permission to use it (${ownerName} turned it on)`;
    } else if (allowed === false) {
      const until =
        grants === undefined
          ? ` Turning the flow on fails with ConnectionAuthorizationFailed until then, unless ${ownerName} has already turned the flow on once (the flow then keeps permission to the connection).`
          : ' Turning the flow on fails with ConnectionAuthorizationFailed until then.';
      if (isOAuthConnection(connection)) {
        problems.push({
          kind: 'ownerMustTurnOn',
          headline: `The ${label} used by ${flow.displayName} belongs to ${ownerName} and is not shared with ${whom}. It is an OAuth connection: it can be shared only with a service principal, not with a person.`,
          remedy: `Ask ${ownerName} to turn ${flow.displayName} on once: from then on the flow may use ${ownerName}'s connections and any co-owner can turn it off and on. Or switch the flow to a connection of ${your} own.${until}`,
          action: noAction,
          ownerId: connection.createdBy.id,
          ownerName,
        });
      } else {
        problems.push({
          kind: 'notShared',
          headline: `The ${label} used by ${flow.displayName} belongs to ${ownerName} and is not shared with ${whom}.`,
          remedy: `${ownerName} can share it with ${whom} (Can use: it is not an OAuth connection, so sharing with a person is allowed) — or switch the flow to a connection of ${your} own.${until}`,
          action: ctx.subjectIsCaller
            ? requestAccessAction({
                environmentId: environment.id,
                connector: connection.connector,
                connectionName: connection.name,
                flowId: flow.id,
              })
            : noAction,
          ownerId: connection.createdBy.id,
          ownerName,
        });
      }
      shareResult = `not shared with ${whom}`;
    } else if (allowed === undefined) shareResult = `sharing ${UNCHECKED}`;
  }
  const status = connection.status === 'Connected' ? 'connected' : connection.status.toLowerCase();
  return { problems, check: { label, result: `${status}, owned by ${ownerText}, ${shareResult}` } };
}

export async function diagnose(
  reader: TenantReader,
  caller: Caller,
  flow: Flow,
  environment: Environment,
  /** `isAdmin`: whether the caller is an admin (with the app's owners, whom [Rotate] is offered to). */
  options: { callerIsOwner: boolean; now: Date; isAdmin?: boolean },
): Promise<Diagnosis> {
  const subjectIsCaller = options.callerIsOwner;
  const subjectId = subjectIsCaller ? caller.userId : flow.creatorId;
  const subjectName = subjectIsCaller
    ? 'you'
    : ((await reader.user(flow.creatorId))?.displayName ?? 'the flow’s creator');
  const ctx: Context = {
    reader,
    flow,
    environment,
    subjectId,
    subjectIsCaller,
    subjectName,
    now: options.now,
    tenantId: caller.tenantId,
    caller,
    callerIsAdmin: options.isAdmin ?? false,
  };

  const needsReferences = flow.connectionReferences.some((r) => r.connectionReferenceLogicalName);
  const references = needsReferences ? await reader.references(environment) : [];
  const referencesByName = indexReferences((references ?? []).map((r) => ({ ...r, environmentId: environment.id })));
  // Only the connections this flow is bound to, each read now (not the environment's whole list).
  const byName = await readConnectionsOf(
    reader,
    environment,
    flow.connectionReferences.flatMap((reference) => {
      const binding = bindingOf(environment.id, reference, referencesByName);
      const name = binding.kind === 'direct' || binding.kind === 'reference' ? binding.connectionName : undefined;
      return name ? [{ connector: reference.connector, connectionName: name }] : [];
    }),
  );

  const seen = new Set<string>();
  const results = await Promise.all(
    flow.connectionReferences.map(async (reference): Promise<{ problems: Problem[]; check?: Check }> => {
      const binding = bindingOf(environment.id, reference, referencesByName);
      const refName =
        binding.kind === 'reference' ? binding.reference.displayName || binding.reference.logicalName : undefined;
      const connectorText = connectorLabel(reference.connector);
      if (binding.kind === 'none' || (binding.kind === 'reference' && !binding.connectionName)) {
        const name = refName ?? reference.key;
        return {
          problems: [
            {
              kind: 'unbound',
              headline: `The ${connectorText} connection reference "${name}" of ${flow.displayName} is bound to no connection, so the flow cannot be turned on.`,
              remedy: `Bind "${name}" to a ${connectorText} connection in ${environment.displayName} (edit the solution's connection references), then turn the flow on.`,
              action: urlAction('Open flow', flowPageUrl(environment.id, flow.id)),
            },
          ],
          check: { label: `reference "${name}"`, result: 'bound to no connection' },
        };
      }
      if (binding.kind === 'missingReference') {
        const custom = isCustomConnector(reference);
        return {
          problems: [
            {
              kind: custom ? 'customConnectorBroken' : 'connectionMissing',
              headline: `${flow.displayName} uses the connection reference "${binding.logicalName}", which does not exist in ${environment.displayName}${custom ? ' (custom connector references break when an environment is copied)' : ''}.`,
              remedy: custom
                ? customConnectorRemedy(environment, binding.logicalName)
                : `Recreate the reference in ${environment.displayName}, bind it to a connection there, and re-save the flow.`,
              action: urlAction('Open flow', flowPageUrl(environment.id, flow.id)),
            },
          ],
          check: { label: `reference "${binding.logicalName}"`, result: 'missing in this environment' },
        };
      }
      const connectionName = binding.connectionName as string;
      if (seen.has(connectionName.toLowerCase())) return { problems: [] };
      seen.add(connectionName.toLowerCase());
      const connection = byName.get(connectionName.toLowerCase());
      if (!connection) {
        if (connection === undefined)
          return { problems: [], check: { label: `${connectorText} connection`, result: UNCHECKED } };
        const custom = isCustomConnector(
          reference,
          binding.kind === 'reference' ? binding.reference.customConnectorId : undefined,
        );
        const what = refName ? `The connection reference "${refName}"` : `${flow.displayName}`;
        return {
          problems: [
            {
              kind: custom ? 'customConnectorBroken' : 'connectionMissing',
              headline: custom
                ? `${what} points to a ${connectorText} custom connector connection (${connectionName}) that does not exist in ${environment.displayName} — it was left behind when the environment was copied.`
                : `${what} points to a ${connectorText} connection (${connectionName}) that does not exist in ${environment.displayName}.`,
              remedy: custom
                ? customConnectorRemedy(environment, refName)
                : `Create a ${connectorText} connection in ${environment.displayName} and rebind ${refName ? `"${refName}"` : 'the flow'} to it.`,
              action: urlAction('Open connections', connectionsPageUrl(environment.id)),
            },
          ],
          check: { label: `${connectorText} connection ${connectionName}`, result: 'does not exist here' },
        };
      }
      return checkConnection(ctx, reference, connection, refName);
    }),
  );
  return {
    flow,
    environment,
    problems: withTurnOnAction(
      results.flatMap((r) => r.problems),
      flow,
      environment,
      subjectIsCaller,
    ),
    checks: results.flatMap((r) => (r.check ? [r.check] : [])),
    checkedFor: subjectIsCaller ? 'you' : subjectName,
  };
}

/**
 * A copied environment's references still point to the source environment's custom connector, which the copy
 * replaced with its own: the documented fix is a new reference to the new connector, then fixing the apps and flows
 * that used the old one (Use a connection reference in a solution).
 */
function customConnectorRemedy(environment: Environment, referenceName: string | undefined): string {
  return `Create a new connection reference in ${environment.displayName} for the custom connector as it exists there (with a connection to it), then edit the flows and apps that used ${referenceName ? `"${referenceName}"` : 'the old reference'} to use the new reference, and turn the flows on.`;
}

/**
 * [Ask <owner> to turn it on] fits when one person owns every OAuth connection the asker may not use: that person
 * can turn the flow on. Connections of several people leave no single person who may turn it on, so the remedy is
 * the asker's own connections (or the owners sharing non-OAuth ones). One button, on the first such problem.
 */
function withTurnOnAction(
  problems: Problem[],
  flow: Flow,
  environment: Environment,
  subjectIsCaller: boolean,
): Problem[] {
  const blocked = problems.filter((p) => p.kind === 'ownerMustTurnOn' || p.kind === 'notShared');
  const owners = new Set(blocked.map((p) => p.ownerId?.toLowerCase()));
  const first = problems.find((p) => p.kind === 'ownerMustTurnOn');
  if (!first) return problems;
  if (owners.size > 1) {
    return problems.map((p) =>
      p.kind === 'ownerMustTurnOn'
        ? {
            ...p,
            remedy: `Its connections belong to several people (${[...new Set(blocked.map((b) => b.ownerName))].join(', ')}), so none of them alone can turn it on: switch the flow to connections of ${subjectIsCaller ? 'your' : 'their'} own.`,
          }
        : p,
    );
  }
  if (!subjectIsCaller || !first.ownerId) return problems;
  return problems.map((p) =>
    p === first
      ? {
          ...p,
          action: askToTurnOnAction(first.ownerName ?? 'the owner', { environmentId: environment.id, flowId: flow.id }),
        }
      : p,
  );
}

export function diagnosisReply(diagnosis: Diagnosis): Reply {
  const { flow, environment, problems, checks } = diagnosis;
  const state = flow.state === 'Started' ? 'On' : flow.state === 'Suspended' ? 'Suspended' : 'Off';
  // A connection that could not be read is never reported as working (the card below says what could not be read).
  const unchecked = checks.filter((c) => c.result.includes(UNCHECKED)).length;
  const verdict = problems.length
    ? `${problems.length} problem${problems.length === 1 ? '' : 's'} found${diagnosis.checkedFor === 'you' ? '' : ` (checked for ${diagnosis.checkedFor}, who owns the flow)`}.`
    : unchecked
      ? `${unchecked} of the ${checks.length} connection${checks.length === 1 ? '' : 's'} this flow uses could not be checked just now, so I cannot tell yet whether ${unchecked === 1 ? 'it stops' : 'they stop'} the flow. Try again in a moment.`
      : checks.length
        ? `Every connection this flow needs works and may be used by ${diagnosis.checkedFor}. If a run still fails, open its run history: the failing action says why.`
        : 'This flow uses no connections, so connections are not what stops it. Open its run history for details.';
  const card = renderCard('flowDiagnosis', {
    title: `${flow.displayName}`,
    subtitle: `${environment.displayName} · currently ${state}`,
    verdict,
    ok: problems.length === 0 && unchecked === 0,
    problems: problems.map((p) => ({ headline: p.headline, remedy: p.remedy, action: p.action })),
    checks,
    flowUrl: flowPageUrl(environment.id, flow.id),
  });
  return { cards: [card] };
}

/** The [Diagnose] button of a picker row. */
export const diagnoseAction = (environmentId: string, flowId: string): RowAction =>
  executeAction('Diagnose', 'flow.diagnose', { environmentId, flowId });
