/**
 * Who may ask for a handover, turned into a draft: "hand over Lee Gu's flows to Lynne" and [Hand over] on a
 * disabled-owner finding (which knows the leaver but not the new owner). Only admins may ask: it moves other
 * people's flows. The caller's tenant was checked by the approvals layer before.
 */
import type { Caller } from '../../access/caller';
import type { DomainContext } from '../../context';
import type { User } from '../../tenant/model';
import { bestMatches, matchScore } from '../../understanding/nameResolution';
import type { DraftResult } from '../operationKind';
import { buildHandoverPlan, type HandoverOperation } from './handoverPlan';

export interface HandoverQuery {
  /** The leaver, by object id (a button) or by name (a sentence). */
  fromId?: string;
  fromQuery?: string;
  toId?: string;
  toQuery?: string;
}

export async function draftHandover(
  ctx: DomainContext,
  caller: Caller,
  query: HandoverQuery,
): Promise<DraftResult<HandoverOperation>> {
  const subject = query.fromQuery ?? query.fromId ?? 'handover';
  const say = (text: string) => ({ subject, text });
  if (!(await ctx.access.isAdmin(caller))) {
    return {
      refused: true,
      subject,
      text: "Only Power Platform admins can hand over someone else's flows. Ask one of them.",
    };
  }
  if (!query.fromId && !query.fromQuery?.trim()) {
    return say('Whose flows? For example: "hand over Lee Gu\'s flows to Lynne".');
  }
  const from = await findUser(ctx, query.fromId, query.fromQuery);
  if (typeof from === 'string') return say(from);
  let to: User | string;
  if (!query.toId && !query.toQuery?.trim()) {
    // [Hand over] on a finding names only the leaver: their manager (when the directory has one) takes over.
    const manager = await ctx.tenant.directory.getManager(from.id).catch(() => undefined);
    if (!manager) {
      return say(
        `Who should take over ${from.displayName}'s flows? The directory records no manager for them. Say "hand over ${from.displayName}'s flows to <name>".`,
      );
    }
    to = manager;
  } else {
    to = await findUser(ctx, query.toId, query.toQuery);
  }
  if (typeof to === 'string') return say(to);
  if (to.id === from.id) return say(`${to.displayName} already owns these flows.`);
  if (!to.accountEnabled) return say(`${to.displayName}'s account is disabled: choose someone who can sign in.`);

  const operation = await buildHandoverPlan(ctx, from, to);
  if (!operation.flows.length && !operation.references.length && !operation.apps?.length) {
    return say(
      `${from.displayName} owns no flows or canvas apps and no connection reference is bound to their connections: there is nothing to hand over.${
        operation.manual.length ? ` ${operation.manual.join(' ')}` : ''
      }`,
    );
  }
  return { operation, riskNotes: await riskNotes(ctx, operation) };
}

async function riskNotes(ctx: DomainContext, plan: HandoverOperation): Promise<string[]> {
  const notes: string[] = [];
  const restarted = new Set(plan.references.filter((r) => r.to).flatMap((r) => r.flowIds));
  if (restarted.size) {
    const names = plan.flows.filter((f) => restarted.has(f.flowId)).map((f) => f.displayName);
    notes.push(
      `${names.join(', ')} will be turned off and on (if on) to take the new connections: a run that starts in that moment can fail.`,
    );
  }
  const moved = plan.references.filter((r) => r.to);
  if (moved.length) {
    notes.push(
      `From then on, ${moved.map((r) => `"${r.displayName}"`).join(', ')} run as ${[...new Set(moved.map((r) => r.to?.signsInAs))].join(' and ')}, no longer as ${plan.fromName}.`,
    );
  }
  if (ctx.config.HANDOVER_REQUIRES_MANAGER) {
    const manager = await ctx.tenant.directory.getManager(plan.fromId).catch(() => undefined);
    notes.push(
      manager
        ? `${manager.displayName}, ${plan.fromName}'s manager, must approve too.`
        : `The directory records no manager for ${plan.fromName}: one admin's approval is enough.`,
    );
  }
  return notes;
}

async function findUser(ctx: DomainContext, id: string | undefined, query: string | undefined): Promise<User | string> {
  if (id) return (await ctx.tenant.directory.getUser(id)) ?? 'I could not find that person in the directory any more.';
  const q = (query ?? '').trim().replace(/['’]s$/i, '');
  const users: User[] = [];
  for await (const user of ctx.tenant.directory.listUsers()) users.push(user);
  const matches = bestMatches(users, (u) =>
    matchScore(q, u.displayName, u.userPrincipalName, u.userPrincipalName.split('@')[0]),
  );
  if (!matches.length) return `I found nobody called "${q}" in the directory.`;
  if (matches.length > 1)
    return `Several people match "${q}": ${matches.map((u) => u.displayName).join(', ')}. Say which one.`;
  return matches[0];
}
